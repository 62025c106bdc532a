// The pinned point's latent-space neighbours: a gallery (through the preview cache), rings round
// them on the map, how many of them the 2-D map also puts nearest, and k. An audio model's
// neighbours each have a play button (a click on the item pins it, which plays it too); a text
// model's are listed as lines.
import "./sound-text-gallery.css";
import { audioPlayer, playButton } from "../ui/audio-player";
import { h, listen } from "../ui/dom";
import { Gallery } from "../ui/gallery";
import { BOUNDS, type Part } from "../wire/contract";
import { readIndices } from "../wire/trait-arrays";
import { clampTo, int, save } from "../wire/traits";
import type { AudioClip } from "../wire/types";
import type { Panel, PanelContext } from "./panel";

/** "7 of 10 also nearest on the map" (overlap -1: not known). */
export function overlapText(overlap: number, k: number): string {
  return overlap >= 0 && k > 0 ? `${overlap} of ${k} also nearest on the map` : "";
}

export class NeighboursPanel implements Panel {
  readonly name = "neighbours";
  readonly title = "Neighbours";
  readonly place = "below";
  readonly parts: readonly Part[] = ["neighbours"];
  private readonly gallery: Gallery;
  private readonly k: HTMLInputElement;
  private readonly overlap: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly ctx: PanelContext) {
    const [low, high] = BOUNDS.neighbours_k;
    this.k = h("input", { type: "number", class: "lw-number lw-neighbours-k", min: low, max: high, step: 1, title: "How many neighbours" });
    this.gallery = new Gallery({
      title: "Neighbours",
      panelClass: "lw-neighbours",
      itemClass: "lw-neighbour",
      slots: [{ caption: "decoded", source: "neighbour" }],
      empty: "Pin a point (click it) to list its nearest neighbours in latent space.",
      head: [h("label", { class: "lw-steps-label" }, [this.k, h("span", { text: "k" })])],
      onPick: (index) => save(ctx.model, { pinned: index }),
      onHover: (index) => ctx.marks.set({ highlight: index >= 0 ? { index } : null }),
    });
    this.overlap = h("span", { class: "lw-neighbour-overlap" });
    this.gallery.note.append(this.overlap);
    this.stops.push(
      listen(this.k, "change", () => {
        const k = Number(this.k.value);
        if (!Number.isFinite(k)) return;
        const clamped = clampTo(BOUNDS.neighbours_k, k);
        this.k.value = String(clamped);
        save(ctx.model, { neighbours_k: clamped });
      }),
    );
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(): void {
    const { model, previews } = this.ctx;
    const pinned = int(model.get("pinned"));
    const neighbours = pinned >= 0 ? readIndices(model, "_neighbours") : [];
    if (document.activeElement !== this.k) this.k.value = String(int(model.get("neighbours_k"), 10));
    this.overlap.textContent = neighbours.length ? overlapText(int(model.get("_neighbour_overlap")), neighbours.length) : "";
    const decoder = model.get("_has_decoder") !== false;
    const modality = model.get("_preview_modality");
    // Text neighbours read as a list of lines; sounds keep their pictures, each with a play button.
    this.gallery.root.classList.toggle("is-text", modality === "text");
    this.gallery.root.classList.toggle("is-audio", modality === "audio");
    this.gallery.set(neighbours, async (index) => {
      const preview = await previews.get(index);
      const item = decoder ? (preview.recon ?? preview.input) : preview.input;
      if (item?.kind === "image" && item.audio) this.addPlay(index, item.audio);
      return [item];
    });
    this.ctx.marks.set({ rings: this.gallery.indices });
  }

  /** A play button on the neighbour `index`: it plays the sound without pinning the point. */
  private addPlay(index: number, clip: AudioClip): void {
    const caption = this.gallery.root.querySelector<HTMLElement>(`.lw-neighbour[data-index="${index}"] figcaption`);
    if (!caption) return;
    caption.querySelector(".lw-play-audio")?.remove();
    const play = () => audioPlayer(caption).play(clip.wav, { source: "neighbour", index: String(index) });
    caption.append(playButton(`Play #${index}`, play, { iconOnly: true }));
  }

  close(): void {
    this.ctx.marks.set({ rings: [], highlight: null });
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.gallery.destroy();
  }
}
