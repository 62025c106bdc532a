// Drop an image file on the map to locate it: the kernel encodes it like the data's items and
// marks its place (the Located panel shows it). Files over 10 MB or not images are refused here.
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { h, listen } from "./dom";
import "./drop.css";

/** Largest file sent to the kernel (the kernel checks the same). */
export const MAX_DROP_BYTES = 10 * 2 ** 20;

/** Why a file cannot be located, or null when it may be sent. */
export function dropProblem(file: { name: string; size: number; type: string }): string | null {
  const image = file.type.startsWith("image/") || /\.(png|jpe?g|gif|bmp|webp|tiff?)$/i.test(file.name);
  if (!image) return `${file.name} is not an image file (PNG, JPEG, GIF, BMP, WebP)`;
  if (file.size > MAX_DROP_BYTES) return `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MB; images up to 10 MB are taken`;
  return null;
}

export class DropTarget {
  /** The veil over the map while a file is dragged over it. */
  readonly veil: HTMLElement;
  private readonly stops: (() => void)[];
  private readonly controller = new AbortController();
  private depth = 0;

  constructor(
    box: HTMLElement,
    private readonly invoke: Invoke,
    private readonly fail: (message: string) => void,
    private readonly report: (name: string, value: string) => void,
  ) {
    this.veil = h("div", { class: "lw-drop", hidden: true, text: "Drop an image to locate it" });
    box.append(this.veil);
    const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes("Files");
    this.stops = [
      listen(box, "dragenter", (event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        this.depth += 1;
        this.veil.hidden = false;
      }),
      listen(box, "dragover", (event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      }),
      listen(box, "dragleave", () => {
        this.depth = Math.max(0, this.depth - 1);
        if (this.depth === 0) this.veil.hidden = true;
      }),
      listen(box, "drop", (event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.stopPropagation(); // JupyterLab would open the file
        this.depth = 0;
        this.veil.hidden = true;
        const file = event.dataTransfer?.files[0];
        if (file) void this.send(file);
      }),
    ];
  }

  destroy(): void {
    this.controller.abort(new Error("drop target closed"));
    for (const stop of this.stops) stop();
    this.veil.remove();
  }

  private async send(file: File): Promise<void> {
    const problem = dropProblem(file);
    if (problem) {
      this.fail(`locate a dropped image: ${problem}`);
      return;
    }
    this.report("dropped", "sending");
    try {
      const bytes = await file.arrayBuffer();
      const [reply] = await this.invoke<{ error?: string }>(COMMANDS.locateFile, { name: file.name }, { signal: this.controller.signal, buffers: [new DataView(bytes)] });
      this.report("dropped", reply?.error ? "error" : "located");
      if (reply?.error) this.fail(reply.error);
    } catch (error) {
      if (!this.controller.signal.aborted) this.fail(error instanceof Error ? error.message : String(error));
    }
  }
}
