// The toolbar's panels menu: one checkbox per panel, in layout order; ticking one opens it.
import { h, listen } from "./dom";

export interface MenuEntry {
  name: string;
  title: string;
}

export class PanelsMenu {
  readonly root: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly popover: HTMLElement;
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly stops: (() => void)[] = [];

  constructor(entries: readonly MenuEntry[], onToggle: (name: string, open: boolean) => void) {
    this.button = h("button", {
      type: "button",
      class: "lw-button lw-panels-menu",
      "aria-haspopup": "true",
      "aria-expanded": "false",
      title: "Choose the panels to show",
      text: "Panels",
    });
    const rows = entries.map(({ name, title }) => {
      const box = h("input", { type: "checkbox", class: "lw-panel-toggle", "data-panel": name });
      this.boxes.set(name, box);
      this.stops.push(listen(box, "change", () => onToggle(name, box.checked)));
      return h("label", { class: "lw-panel-option" }, [box, h("span", { text: title })]);
    });
    this.popover = h("div", { class: "lw-panels-popover", role: "menu", hidden: true }, rows);
    this.root = h("span", { class: "lw-panels-anchor" }, [this.button, this.popover]);
    this.stops.push(
      listen(this.button, "click", () => this.setOpen(Boolean(this.popover.hidden))),
      // A click anywhere else closes the menu; clicks inside it keep it open for the next box.
      // composedPath: inside a shadow root (marimo) the document sees the host as the target.
      listen(document, "pointerdown", (event) => {
        if (!event.composedPath().includes(this.root)) this.setOpen(false);
      }),
      listen(this.popover, "keydown", (event) => {
        event.stopPropagation(); // Space toggles a box, not JupyterLab's or the player's shortcuts
        if (event.key === "Escape") this.setOpen(false);
      }),
    );
  }

  /** Tick the boxes of the open panels. */
  show(open: readonly string[]): void {
    for (const [name, box] of this.boxes) box.checked = open.includes(name);
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private setOpen(open: boolean): void {
    this.popover.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
    this.button.classList.toggle("is-active", open);
  }
}
