// The worst reconstructions: the points `_worst` names, each input beside its reconstruction.
import { Gallery } from "../ui/gallery";
import type { Part } from "../wire/contract";
import { readIndices } from "../wire/trait-arrays";
import { save } from "../wire/traits";
import type { Panel, PanelContext } from "./panel";

export class WorstPanel implements Panel {
  readonly name = "worst";
  readonly title = "Worst reconstructions";
  readonly place = "below";
  readonly parts: readonly Part[] = ["worst"];
  private readonly gallery: Gallery;

  constructor(private readonly ctx: PanelContext) {
    this.gallery = new Gallery({
      title: "Worst reconstructions",
      panelClass: "lw-worst-panel",
      itemClass: "lw-worst",
      slots: [
        { caption: "input", source: null },
        { caption: "decoded", source: "point" },
      ],
      empty: "explorer.reconstruction_error(worst=k) lists the k worst reconstructions here.",
      onPick: (index) => save(ctx.model, { pinned: index }),
      onHover: (index) => ctx.marks.set({ highlight: index >= 0 ? { index } : null }),
    });
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(): void {
    const worst = readIndices(this.ctx.model, "_worst");
    this.gallery.note.textContent = worst.length ? "largest reconstruction error first" : "";
    this.gallery.set(worst, async (index) => {
      const preview = await this.ctx.previews.get(index);
      return [preview.input, preview.recon];
    });
  }

  close(): void {
    this.ctx.marks.set({ highlight: null });
  }

  destroy(): void {
    this.gallery.destroy();
  }
}
