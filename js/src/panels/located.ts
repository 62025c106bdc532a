// Located items: what `explorer.locate(...)` or a file dropped on the map encoded, each with its
// reconstruction and its nearest point (a click pins that point). Their places are marked on the map.
import { Gallery } from "../ui/gallery";
import { type Decoded, decodeOptional } from "../wire/codecs";
import type { Part } from "../wire/contract";
import { frameImage } from "../wire/trait-arrays";
import { save } from "../wire/traits";
import type { PreviewItem } from "../wire/types";
import type { Panel, PanelContext } from "./panel";
import "./located.css";

export class LocatedPanel implements Panel {
  readonly name = "located";
  readonly title = "Located";
  readonly place = "below";
  readonly parts: readonly Part[] = ["located"];
  private readonly gallery: Gallery;
  private nearest: number[] = [];

  constructor(private readonly ctx: PanelContext) {
    this.gallery = new Gallery({
      title: "Located",
      panelClass: "lw-located",
      itemClass: "lw-located-item",
      slots: [
        { caption: "input", source: null },
        { caption: "decoded", source: "decoded" },
      ],
      itemCaption: (i) => `item ${i + 1} · nearest #${this.nearest[i] ?? "?"}`,
      empty: "Drop an image on the map, or call explorer.locate(items), to see where the model puts it.",
      onPick: (i) => {
        const index = this.nearest[i];
        if (index !== undefined) save(ctx.model, { pinned: index });
      },
      onHover: (i) => ctx.marks.set({ highlight: i >= 0 && this.nearest[i] !== undefined ? { index: this.nearest[i] } : null }),
    });
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(changed: ReadonlySet<Part>): void {
    if (!changed.has("located")) return;
    const { model } = this.ctx;
    this.nearest = ((model.get("_located_nearest") ?? []) as number[]).slice();
    this.ctx.marks.set({ located: this.array("_located_points", [-1, 2], "float32")?.data ?? null });
    const inputs = this.array("_located_images", [-1, -1, -1, 4], "uint8");
    const recons = this.array("_located_recons", [-1, -1, -1, 4], "uint8");
    const count = Math.max(inputs?.shape[0] ?? 0, recons?.shape[0] ?? 0);
    this.ctx.report("located", String(count));
    const image = (frames: Decoded<"uint8"> | null, i: number): PreviewItem | null =>
      frames && i < frames.shape[0] ? { kind: "image", image: frameImage(frames, i) } : null;
    this.gallery.set([], null); // new items reuse the numbers 0..M-1: draw each afresh
    this.gallery.set(
      Array.from({ length: count }, (_, i) => i),
      async (i) => [image(inputs, i), image(recons, i)],
    );
  }

  close(): void {
    this.ctx.marks.set({ located: null, highlight: null });
  }

  destroy(): void {
    this.gallery.destroy();
  }

  private array<D extends "uint8" | "float32">(name: "_located_images" | "_located_recons" | "_located_points", shape: number[], dtype: D): Decoded<D> | null {
    try {
      return decodeOptional(name, this.ctx.model.get(name), { dtypes: [dtype], shape });
    } catch (error) {
      console.warn(`latentwidgets: ignoring ${name}`, error);
      return null;
    }
  }
}
