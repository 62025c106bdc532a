// The worst reconstructions: the points `_worst` names, each input beside its reconstruction.
import { Gallery } from "./gallery";
import { readIndices } from "./neighbours";
import type { Previews } from "./previews";
import { type Model, save } from "./traits";

export class WorstView {
  readonly gallery: Gallery;

  constructor(
    private readonly model: Model,
    private readonly previews: Previews,
    onHover: (index: number) => void,
  ) {
    this.gallery = new Gallery({
      title: "Worst reconstructions",
      panelClass: "lw-worst-panel",
      itemClass: "lw-worst",
      slots: [
        { caption: "input", source: null },
        { caption: "decoded", source: "point" },
      ],
      empty: "",
      onPick: (index) => save(model, { pinned: index }),
      onHover,
    });
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(): void {
    const worst = readIndices(this.model, "_worst");
    this.root.hidden = worst.length === 0;
    this.gallery.note.textContent = worst.length ? "largest reconstruction error first" : "";
    this.gallery.set(worst, async (index) => {
      const preview = await this.previews.get(index);
      return [preview.input, preview.recon];
    });
  }

  destroy(): void {
    this.gallery.destroy();
  }
}
