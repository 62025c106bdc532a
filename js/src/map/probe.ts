// The probe tool: in probe mode, hovering empty map space decodes the code under the pointer
// (the kernel's `probe` command, latest-wins) into the preview panel.
import { listen } from "./dom";
import type { Invoke } from "./invoke";
import { type ProbeResult, parseProbe } from "./preview";

export interface ProbeHooks {
  /** Raw map coordinates under the pointer (CSS px in the map), or null without points. */
  toMap: (sx: number, sy: number) => [number, number] | null;
  /** Whether a probe may be shown now (probe mode, no point under the pointer). */
  active: () => boolean;
  show: (result: ProbeResult, at: [string, string]) => void;
  fail: (message: string) => void;
}

/**
 * At most one request in flight; a newer position replaces the waiting one. `want(null)` drops the
 * waiting one, and a response that is no longer the latest wanted is not shown.
 */
export class LatestOnly<K> {
  private busy = false;
  private waiting: K | null = null;
  private latest: K | null = null;

  constructor(
    private readonly run: (key: K) => Promise<void>,
    private readonly onError: (error: unknown, key: K) => void = () => undefined,
  ) {}

  /** Whether `key` is still the last one wanted. */
  isLatest(key: K): boolean {
    return this.latest === key;
  }

  want(key: K | null): void {
    this.latest = key;
    this.waiting = key;
    if (!this.busy) this.next();
  }

  private next(): void {
    const key = this.waiting;
    this.waiting = null;
    if (key === null) return;
    this.busy = true;
    this.run(key)
      .catch((error: unknown) => this.onError(error, key))
      .finally(() => {
        this.busy = false;
        this.next();
      });
  }
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
        const [response, buffers] = await invoke<unknown>("probe", { x: Number(at[0]), y: Number(at[1]) }, { signal: this.controller.signal });
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
