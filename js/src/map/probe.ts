// The probe tool: in probe mode, hovering empty map space decodes the code under the pointer
// (the kernel's `probe` command, latest-wins) into the preview panel.
import { listen } from "../ui/dom";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LatestOnly } from "../wire/latest-only";
import { type ProbeResult, parseProbe } from "../wire/preview-codec";

export interface ProbeHooks {
  /** Raw map coordinates under the pointer (CSS px in the map), or null without points. */
  toMap: (sx: number, sy: number) => [number, number] | null;
  /** Whether a probe may be shown now (probe mode, no point under the pointer). */
  active: () => boolean;
  show: (result: ProbeResult, at: [string, string]) => void;
  fail: (message: string) => void;
}

export class Probe {
  private readonly requests: LatestOnly<[string, string]>;
  private readonly stops: (() => void)[];
  private readonly controller = new AbortController();

  constructor(
    private readonly mapBox: HTMLElement,
    invoke: Invoke,
    private readonly hooks: ProbeHooks,
  ) {
    this.requests = new LatestOnly(
      async (at) => {
        const [response, buffers] = await invoke<unknown>(COMMANDS.probe, { x: Number(at[0]), y: Number(at[1]) }, { signal: this.controller.signal });
        const result = parseProbe(response, buffers);
        if (this.requests.isLatest(at) && hooks.active()) hooks.show(result, at);
      },
      (error, at) => {
        if (this.requests.isLatest(at) && !this.controller.signal.aborted) hooks.fail(error instanceof Error ? error.message : String(error));
      },
    );
    this.stops = [listen(mapBox, "pointermove", (event) => this.move(event))];
  }

  /** The pointer moved onto a point or out of probe mode: forget the waiting request. */
  cancel(): void {
    this.requests.want(null);
  }

  destroy(): void {
    this.controller.abort(new Error("probe closed"));
    for (const stop of this.stops) stop();
  }

  private move(event: PointerEvent): void {
    // One probe a frame at most: pointermove fires several times a frame.
    requestAnimationFrame(() => {
      if (!this.hooks.active() || event.buttons !== 0) return;
      const rect = this.mapBox.getBoundingClientRect();
      const at = this.hooks.toMap(event.clientX - rect.left, event.clientY - rect.top);
      if (!at) return;
      this.requests.want([String(at[0]), String(at[1])]);
    });
  }
}
