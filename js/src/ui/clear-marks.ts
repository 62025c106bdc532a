// The toolbar's "Clear marks" button: asks the kernel to take the samples' diamonds, the neighbour
// rings and the paths off the map (the traits that draw them follow).
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { h, listen } from "./dom";

export class ClearMarksButton {
  readonly root: HTMLButtonElement;
  private readonly stop: () => void;
  private readonly controller = new AbortController();

  constructor(invoke: Invoke, fail: (message: string) => void) {
    this.root = h("button", {
      type: "button",
      class: "lw-button lw-clear-marks",
      text: "Clear marks",
      title: "Take the samples, the neighbour rings and the paths off the map",
    });
    this.stop = listen(this.root, "click", () => {
      invoke<{ error?: string }>(COMMANDS.clearMarks, {}, { signal: this.controller.signal })
        .then(([response]) => {
          if (response?.error) fail(response.error);
        })
        .catch((error) => {
          if (!this.controller.signal.aborted) fail(error instanceof Error ? error.message : String(error));
        });
    });
  }

  destroy(): void {
    this.controller.abort(new Error("clear marks button closed"));
    this.stop();
  }
}
