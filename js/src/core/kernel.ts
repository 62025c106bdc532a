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

interface MaybeModel {
  get?: (name: string) => unknown;
  comm?: unknown;
  comm_live?: boolean;
}

/**
 * False where this widget's model has no connection to a kernel: a model that ipywidgets restored
 * from a notebook's saved widget state has no comm, even once a fresh kernel runs, and whatever it
 * sends goes nowhere. anywidget hands us a proxy of the model, so ours is found among the
 * manager's models by its `layout`, an object each ipywidgets model holds its own of.
 * Hosts that do not list their models (or this model) are taken as connected.
 */
export async function commLive(model: MaybeManager & { get(name: string): unknown }): Promise<boolean> {
  const manager = model.widget_manager as { _models?: Record<string, unknown> } | null | undefined;
  const layout = model.get("layout");
  const models = manager && typeof manager === "object" ? manager._models : undefined;
  if (!models || typeof models !== "object" || layout === null || typeof layout !== "object") return true;
  for (const pending of Object.values(models)) {
    let other: MaybeModel | null;
    try {
      other = (await pending) as MaybeModel | null;
    } catch {
      continue; // a model that failed to load is not ours
    }
    if (other && typeof other.get === "function" && other.get("layout") === layout) {
      return other.comm !== undefined && other.comm !== null && other.comm_live !== false;
    }
  }
  return true;
}
