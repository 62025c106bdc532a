// The hover card beside the hovered point: shown at once from what the page has (the label and
// the colour column's value), then filled in with the preview's metadata and image when it comes.
import { drawRgba, h } from "../ui/dom";
import type { RgbaImage } from "../wire/types";

const OFFSET = 14;
const MAX_FIELDS = 12;

export class HoverCard {
  readonly root: HTMLElement;
  private index = -1;
  private readonly title: HTMLElement;
  private readonly picture: HTMLCanvasElement;
  private readonly rows: HTMLElement;
  private at: [number, number] | null = null;

  constructor(private readonly container: HTMLElement) {
    this.title = h("div", { class: "lw-hover-title" });
    this.picture = h("canvas", { class: "lw-hover-image", hidden: true }) as HTMLCanvasElement;
    this.rows = h("div", { class: "lw-hover-rows" });
    this.root = h("div", { class: "lw-hover-card", hidden: true, role: "tooltip" }, [this.title, this.picture, this.rows]);
    this.root.dataset.index = "-1";
    this.root.dataset.filled = "0";
    container.append(this.root);
  }

  /**
   * Show point `index` next to screen position `at` (CSS px in the map), if known: `fields` are
   * what the page knows at once (`filled` false) or the preview's metadata (`filled` true), with
   * its `image` where it has one.
   */
  show(index: number, title: string, fields: readonly [string, string][], at: [number, number] | null, filled = true, image: RgbaImage | null = null): void {
    const same = index === this.index;
    // The page's quick facts never replace what the preview already filled in for the same point.
    if (same && !filled && this.root.dataset.filled === "1") return;
    this.index = index;
    this.root.dataset.index = String(index);
    this.root.dataset.filled = filled ? "1" : "0";
    this.title.textContent = title;
    this.rows.replaceChildren(
      ...fields
        .slice(0, MAX_FIELDS)
        .map(([name, value]) => h("div", { class: "lw-hover-row" }, [h("span", { class: "lw-hover-name", text: name }), h("span", { class: "lw-hover-value", text: value })])),
    );
    if (image) {
      drawRgba(this.picture, image);
      this.picture.hidden = false;
      this.root.dataset.image = "1";
    } else if (!same || !filled) {
      this.picture.hidden = true;
      this.root.dataset.image = "0";
    }
    this.root.hidden = false;
    if (at) this.at = at;
    if (this.at) this.place(this.at);
  }

  /** The point shown, or -1. */
  get shown(): number {
    return this.index;
  }

  hide(): void {
    this.index = -1;
    this.at = null;
    this.root.hidden = true;
    this.root.dataset.index = "-1";
    this.root.dataset.filled = "0";
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
