// The hover card: the hovered point's label and metadata values (the preview's `fields`), beside it.
import { h } from "../ui/dom";

const OFFSET = 14;
const MAX_FIELDS = 12;

export class HoverCard {
  readonly root: HTMLElement;
  private index = -1;

  constructor(private readonly container: HTMLElement) {
    this.root = h("div", { class: "lw-hover-card", hidden: true, role: "tooltip" });
    container.append(this.root);
  }

  /** Show point `index`'s fields next to screen position `at` (CSS px in the map), if known. */
  show(index: number, title: string, fields: readonly [string, string][], at: [number, number] | null): void {
    this.index = index;
    this.root.dataset.index = String(index);
    this.root.replaceChildren(
      h("div", { class: "lw-hover-title", text: title }),
      ...fields
        .slice(0, MAX_FIELDS)
        .map(([name, value]) => h("div", { class: "lw-hover-row" }, [h("span", { class: "lw-hover-name", text: name }), h("span", { class: "lw-hover-value", text: value })])),
    );
    this.root.hidden = false;
    if (at) this.place(at);
  }

  /** The point shown, or -1. */
  get shown(): number {
    return this.index;
  }

  hide(): void {
    this.index = -1;
    this.root.hidden = true;
    this.root.dataset.index = "-1";
  }

  private place([x, y]: [number, number]): void {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    const card = this.root.getBoundingClientRect();
    // Below right of the point, flipped where it would leave the map.
    const left = x + OFFSET + card.width > width ? x - OFFSET - card.width : x + OFFSET;
    const top = y + OFFSET + card.height > height ? y - OFFSET - card.height : y + OFFSET;
    this.root.style.left = `${Math.max(0, left)}px`;
    this.root.style.top = `${Math.max(0, top)}px`;
  }
}
