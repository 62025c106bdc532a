// The status line: message, busy/error state and an optional progress bar.

import type { Status, StatusState } from "../wire/types";
import { h } from "./dom";

/** Read the `_status` trait defensively: a malformed value must not break the widget. */
export function normaliseStatus(value: unknown): Status {
  const v = (typeof value === "object" && value !== null ? value : {}) as Partial<Status>;
  const state: StatusState = v.state === "busy" || v.state === "error" ? v.state : "idle";
  const progress = typeof v.progress === "number" && Number.isFinite(v.progress) ? Math.min(1, Math.max(0, v.progress)) : null;
  return { state, message: typeof v.message === "string" ? v.message : "", progress };
}

export class StatusLine {
  readonly root: HTMLElement;
  private readonly text: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly fill: HTMLElement;
  readonly info: HTMLElement;

  constructor() {
    this.text = h("span", { class: "lw-status", role: "status", "aria-live": "polite" });
    this.fill = h("div", { class: "lw-progress-fill" });
    this.bar = h("div", { class: "lw-progress", hidden: true }, [this.fill]);
    this.info = h("span", { class: "lw-status-info" });
    this.root = h("footer", { class: "lw-statusbar" }, [
      h("span", { class: "lw-status-dot" }),
      this.text,
      this.bar,
      this.info,
    ]);
  }

  update(status: Status): void {
    this.root.dataset.state = status.state;
    this.text.textContent = status.message;
    this.text.title = status.message;
    this.bar.hidden = status.progress === null;
    if (status.progress !== null) this.fill.style.width = `${(status.progress * 100).toFixed(1)}%`;
  }
}
