// A panel of small decoded images, one item per point or sample: the neighbours, the samples
// and the worst reconstructions are each one of these.

import type { PreviewItem } from "../wire/types";
import { drawRgba, h, listen } from "./dom";

export interface GalleryOptions {
  title: string;
  /** Class of the panel (e.g. `lw-neighbours`). */
  panelClass: string;
  /** Class of each item (e.g. `lw-neighbour`), which carries `data-index`. */
  itemClass: string;
  /**
   * `data-source` of each slot's image, or null for an input (not decoded). With two slots or more
   * each image is captioned under it (`.lw-gallery-slot-caption`): "input", "decoded".
   */
  slots: { caption: string; source: string | null }[];
  /** Extra class of each item's text (a text preview), e.g. `lw-sample-text`. */
  textClass?: string;
  /** The item's caption (default "#12", a point's number; samples say "sample 1"). */
  itemCaption?: (index: number) => string;
  /** Shown while there are no items. */
  empty: string;
  /** Controls in the panel's header, right of the title. */
  head?: Node[];
  /** An item was clicked. */
  onPick?: (index: number) => void;
  /** The pointer is over an item (its index) or left the items (-1). */
  onHover?: (index: number) => void;
}

/** Load the slots' contents of one item (in slot order). */
export type SlotLoader = (index: number) => Promise<(PreviewItem | null)[]>;

export class Gallery {
  readonly root: HTMLElement;
  readonly note: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly items = new Map<number, HTMLElement>();
  private readonly stops: (() => void)[] = [];
  private shown: readonly number[] = [];
  private generation = 0;

  constructor(private readonly options: GalleryOptions) {
    this.note = h("div", { class: "lw-gallery-note" });
    this.grid = h("div", { class: "lw-gallery-grid" });
    this.empty = h("div", { class: "lw-empty", text: options.empty });
    this.root = h("section", { class: `lw-panel lw-gallery ${options.panelClass}` }, [
      h("header", { class: "lw-panel-head" }, [h("span", { class: "lw-panel-title", text: options.title }), ...(options.head ?? [])]),
      this.note,
      this.grid,
      this.empty,
    ]);
    const itemAt = (event: Event) => (event.target as HTMLElement).closest<HTMLElement>("[data-index]");
    if (options.onPick) {
      const onPick = options.onPick;
      this.stops.push(
        listen(this.grid, "click", (event) => {
          const item = itemAt(event);
          if (item) onPick(Number(item.dataset.index));
        }),
      );
    }
    if (options.onHover) {
      const onHover = options.onHover;
      this.stops.push(
        listen(this.grid, "pointerover", (event) => onHover(Number(itemAt(event)?.dataset.index ?? -1))),
        listen(this.grid, "pointerleave", () => onHover(-1)),
      );
    }
  }

  /** The indices on show, in order. */
  get indices(): readonly number[] {
    return this.shown;
  }

  /**
   * Show an item per index (nothing for none), filled by `load` one item after another; a newer
   * call stops an older one's loading. Items whose indices were on show already are kept.
   */
  set(indices: readonly number[], load: SlotLoader | null): void {
    // The same items again (another trait of the same change): let their loading go on.
    const same = indices.length === this.shown.length && indices.every((v, i) => v === this.shown[i]);
    this.empty.hidden = indices.length > 0;
    if (same) return;
    const generation = ++this.generation;
    this.shown = [...indices];
    const old = new Map(this.items);
    this.items.clear();
    const children = indices.map((index) => {
      const item = old.get(index) ?? this.item(index);
      this.items.set(index, item);
      return item;
    });
    this.grid.replaceChildren(...children);
    if (!load) return;
    void (async () => {
      for (const index of indices) {
        if (generation !== this.generation) return;
        const item = this.items.get(index);
        if (!item || item.dataset.loaded === "1") continue;
        try {
          const contents = await load(index);
          if (generation !== this.generation) return;
          for (const [slot, content] of contents.entries()) this.fill(index, slot, content);
          item.dataset.loaded = "1";
        } catch (error) {
          item.classList.add("is-failed");
          item.title = error instanceof Error ? error.message : String(error);
        }
      }
    })();
  }

  /** Put `content` in slot `slot` of the item of `index`. */
  fill(index: number, slot: number, content: PreviewItem | null): void {
    const item = this.items.get(index);
    const figure = item?.querySelectorAll<HTMLElement>(".lw-gallery-slot")[slot];
    if (!figure) return;
    const canvas = figure.querySelector("canvas") as HTMLCanvasElement;
    const text = figure.querySelector(".lw-gallery-text") as HTMLElement;
    canvas.hidden = content?.kind !== "image";
    text.hidden = content?.kind !== "text";
    if (content?.kind === "image") drawRgba(canvas, content.image);
    else if (content?.kind === "text") text.textContent = content.text;
  }

  destroy(): void {
    this.generation++;
    for (const stop of this.stops) stop();
  }

  private item(index: number): HTMLElement {
    const captioned = this.options.slots.length > 1;
    const slots = this.options.slots.map(({ source, caption }) =>
      h("div", { class: "lw-gallery-slot", title: caption }, [
        h("canvas", { class: "lw-pixels", width: 1, height: 1, "data-source": source ?? undefined, hidden: true }),
        h("div", { class: `lw-gallery-text ${this.options.textClass ?? ""}`.trim(), hidden: true }),
        ...(captioned ? [h("span", { class: "lw-gallery-slot-caption", text: caption })] : []),
      ]),
    );
    return h("figure", { class: `lw-gallery-item ${this.options.itemClass}`, "data-index": index }, [
      h("div", { class: "lw-gallery-slots" }, slots),
      h("figcaption", { text: galleryCaption(index, this.options.itemCaption) }),
    ]);
  }
}

/** An item's caption: `caption(index)`, or "#12" for a point. */
export function galleryCaption(index: number, caption?: (index: number) => string): string {
  return caption ? caption(index) : `#${index}`;
}
