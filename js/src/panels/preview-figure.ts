// One slot of the preview panel: a pixelated canvas or a text block, captioned; where the picture
// is a sound's (an audio model's waveform or spectrogram), a play button `.lw-play-audio` under it
// plays that sound through the explorer's one <audio>.

import "./preview-figure.css";
import { type AudioTags, audioPlayer, durationText, labelPlayButton, playButton } from "../ui/audio-player";
import { drawRgba, h } from "../ui/dom";
import type { AudioClip, PreviewItem } from "../wire/types";

/** What a slot shows: the decoded point, or the input it was encoded from. */
export type FigureRole = "decoded" | "input";

/** Where the content comes from: point `index`, or a probe at map coordinates `at` (as sent). */
export interface FigureSource {
  index: number;
  at?: [string, string];
}

export class Figure {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly play: HTMLButtonElement;
  private sound: { clip: AudioClip; tags: AudioTags } | null = null;

  constructor(
    private readonly cls: string,
    caption: string,
  ) {
    this.canvas = h("canvas", { class: "lw-pixels", width: 1, height: 1 });
    this.text = h("div", { class: "lw-preview-text" });
    this.caption = h("figcaption", { text: caption });
    this.play = playButton("Play decoded", () => this.playSound());
    this.play.hidden = true;
    this.root = h("figure", { class: "lw-figure" }, [this.canvas, this.text, this.caption, this.play]);
  }

  /**
   * Show `item` from `source` as `role` (its play button says "Play decoded" or "Play input"),
   * captioned `caption` (kept when undefined).
   */
  show(item: PreviewItem | null, source: FigureSource, role: FigureRole, caption?: string): void {
    this.root.hidden = item === null;
    // The contract's class sits on whichever element shows the content.
    const active = item?.kind === "text" ? this.text : this.canvas;
    const idle = active === this.canvas ? this.text : this.canvas;
    idle.classList.remove(this.cls);
    for (const name of ["data-index", "data-source", "data-x", "data-y"]) idle.removeAttribute(name);
    idle.hidden = true;
    this.showSound(item?.kind === "image" ? (item.audio ?? null) : null, source, role);
    const clip = this.sound?.clip;
    if (caption !== undefined) this.caption.textContent = clip ? `${caption} · ${durationText(clip.duration)}` : caption;
    this.root.classList.toggle("is-text", item?.kind === "text");
    this.root.classList.toggle("is-audio", clip !== undefined);
    if (item === null) return;
    active.hidden = false;
    active.classList.add(this.cls);
    const { index, at } = source;
    if (at) {
      active.removeAttribute("data-index");
      Object.assign(active.dataset, { source: "probe", x: at[0], y: at[1] });
    } else {
      active.removeAttribute("data-x");
      active.removeAttribute("data-y");
      Object.assign(active.dataset, { source: "point", index: String(index) });
    }
    if (item.kind === "image") drawRgba(this.canvas, item.image);
    else this.text.textContent = item.text;
  }

  private showSound(clip: AudioClip | null, { index, at }: FigureSource, role: FigureRole): void {
    this.play.hidden = clip === null;
    if (clip === null) {
      this.sound = null;
      return;
    }
    labelPlayButton(this.play, `Play ${role}`);
    const tags: AudioTags = at ? { source: "probe", x: at[0], y: at[1] } : { source: role, index: String(index) };
    this.sound = { clip, tags };
  }

  private playSound(): Promise<void> | undefined {
    if (!this.sound) return undefined;
    const { clip, tags } = this.sound;
    return audioPlayer(this.root).play(clip.wav, tags);
  }
}
