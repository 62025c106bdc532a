// Whether the kernel behind the widget is there. A notebook reopened without its kernel shows the
// saved widget state: the map draws, but no command (preview, probe, neighbours) is ever answered.
// JupyterLab's widget manager (ipywidgets 8, which anywidget hands us as `model.widget_manager`)
// knows its kernel; other hosts (marimo, VS Code, voila) may not say: taken as live.

interface MaybeManager {
  widget_manager?: unknown;
}

/** False only where the widget manager says it has no kernel (or a dead one). */
export function kernelLive(model: MaybeManager): boolean {
  const manager = model.widget_manager as { kernel?: unknown } | null | undefined;
  if (!manager || typeof manager !== "object" || !("kernel" in manager)) return true;
  let kernel: unknown;
  try {
    kernel = manager.kernel;
  } catch {
    return true;
  }
  if (kernel === null || kernel === undefined) return false;
  const k = kernel as { isDisposed?: boolean; status?: string; connectionStatus?: string };
  return !(k.isDisposed === true || k.status === "dead");
}
