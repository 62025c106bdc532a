// The panels the user picked (`panels`): the open ones shown in their place, the closed ones
// hidden and left alone by trait changes until they open again (with every part applied then).
import type { View } from "../core/router";
import { ALL_PARTS } from "../core/router";
import { PanelsMenu } from "../ui/panels-menu";
import { DEFAULT_PANELS, PANELS, type Part } from "../wire/contract";
import { type Model, save } from "../wire/traits";
import type { Panel, PanelName } from "./panel";

/** The open panels `panels` names, in layout order; anything not a list of names reads as the default. */
export function readPanels(value: unknown): PanelName[] {
  if (!Array.isArray(value)) return [...DEFAULT_PANELS];
  return PANELS.filter((name) => value.includes(name));
}

/** `open` with panel `name` opened or closed, in layout order. */
export function withPanel(open: readonly PanelName[], name: PanelName, on: boolean): PanelName[] {
  return PANELS.filter((p) => (p === name ? on : open.includes(p)));
}

export class PanelLayout implements View {
  readonly parts: readonly Part[] = ["panels"];
  readonly menu: PanelsMenu;
  private open: PanelName[] = [];

  constructor(
    private readonly model: Model,
    readonly panels: readonly Panel[],
    /** Where open panels go: the side column and the row under the map (hidden when empty). */
    private readonly places: Record<Panel["place"], HTMLElement>,
  ) {
    for (const panel of panels) {
      panel.root.dataset.panel = panel.name;
      panel.root.hidden = true;
      places[panel.place].append(panel.root);
    }
    this.menu = new PanelsMenu(panels, (name, on) => save(model, { panels: withPanel(this.open, name as PanelName, on) }));
  }

  /** The panels open now, in layout order: only these follow the model. */
  get openPanels(): Panel[] {
    return this.panels.filter((panel) => this.open.includes(panel.name));
  }

  apply(): void {
    const open = readPanels(this.model.get("panels"));
    const opened = this.panels.filter((p) => open.includes(p.name) && !this.open.includes(p.name));
    const closed = this.panels.filter((p) => !open.includes(p.name) && this.open.includes(p.name));
    this.open = open;
    for (const panel of this.panels) panel.root.hidden = !open.includes(panel.name);
    for (const [place, box] of Object.entries(this.places)) box.hidden = !this.openPanels.some((p) => p.place === place);
    this.menu.show(open);
    for (const panel of closed) panel.close?.();
    // A closed panel missed every change since it closed: it catches up on all of them.
    for (const panel of opened) panel.apply(new Set(panel.parts.filter((part) => ALL_PARTS.has(part))));
  }

  destroy(): void {
    this.menu.destroy();
    for (const panel of this.panels) panel.destroy();
  }
}
