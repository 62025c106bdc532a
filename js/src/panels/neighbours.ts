// The pinned point's latent-space neighbours: a gallery (through the preview cache), how many of
// them the 2-D map also puts nearest, and k.
import { decodeOptional } from "./codecs";
import { h, listen } from "./dom";
import { Gallery } from "./gallery";
import type { Previews } from "./previews";
import { int, type Model, save } from "./traits";

export const MIN_K = 1;
export const MAX_K = 100;

/** "7 of 10 also nearest on the map" (overlap -1: not known). */
export function overlapText(overlap: number, k: number): string {
  return overlap >= 0 && k > 0 ? `${overlap} of ${k} also nearest on the map` : "";
}

/** The uint32 indices of an index-list trait, or none (a malformed one is ignored, with a warning). */
export function readIndices(model: Model, name: "_neighbours" | "_worst"): number[] {
  try {
    const decoded = decodeOptional(name, model.get(name), { dtypes: ["uint32"], shape: [-1] });
    return decoded ? Array.from(decoded.data) : [];
  } catch (error) {
    console.warn(`latentwidgets: ignoring ${name}`, error);
    return [];
  }
}

export class NeighboursView {
  readonly gallery: Gallery;
  private readonly k: HTMLInputElement;
  private readonly overlap: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly model: Model,
    private readonly previews: Previews,
    onHover: (index: number) => void,
  ) {
    this.k = h("input", { type: "number", class: "lw-number lw-neighbours-k", min: MIN_K, max: MAX_K, step: 1, title: "How many neighbours" });
    this.gallery = new Gallery({
      title: "Neighbours",
      panelClass: "lw-neighbours",
      itemClass: "lw-neighbour",
      slots: [{ caption: "decoded", source: "neighbour" }],
      empty: "Pin a point (click it) to list its nearest neighbours in latent space.",
      head: [h("label", { class: "lw-steps-label" }, [this.k, h("span", { text: "k" })])],
      onPick: (index) => save(model, { pinned: index }),
      onHover,
    });
    this.overlap = h("span", { class: "lw-neighbour-overlap" });
    this.gallery.note.append(this.overlap);
    this.stops.push(
      listen(this.k, "change", () => {
        const k = Math.round(Number(this.k.value));
        if (!Number.isFinite(k)) return;
        const clamped = Math.min(MAX_K, Math.max(MIN_K, k));
        this.k.value = String(clamped);
        save(model, { neighbours_k: clamped });
      }),
    );
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  /** The neighbours on show (for the rings on the map). */
  get indices(): readonly number[] {
    return this.gallery.indices;
  }

  apply(): void {
    const pinned = int(this.model.get("pinned"));
    const neighbours = pinned >= 0 ? readIndices(this.model, "_neighbours") : [];
    const k = int(this.model.get("neighbours_k"), 10);
    if (document.activeElement !== this.k) this.k.value = String(k);
    this.overlap.textContent = neighbours.length ? overlapText(int(this.model.get("_neighbour_overlap")), neighbours.length) : "";
    const decoder = this.model.get("_has_decoder") !== false;
    this.gallery.set(neighbours, async (index) => {
      const preview = await this.previews.get(index);
      return [decoder ? (preview.recon ?? preview.input) : preview.input];
    });
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.gallery.destroy();
  }
}
