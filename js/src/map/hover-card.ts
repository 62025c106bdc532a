// The hover card beside the hovered point: shown at once from what the page has (the label and
// the colour column's value), then filled in with the preview's metadata and image when it comes.
// A sound's card shows its picture and length but never plays: sound on every hover of a crowded
// map is noise, and a card under the pointer cannot take a click; clicking the point pins it,
// which plays it (preview panel), and the panel's buttons play it again.
import "./hover-card.css";
import { durationText } from "../ui/audio-player";
import { drawRgba, h } from "../ui/dom";
import type { Preview, PreviewItem } from "../wire/types";

const OFFSET = 14;
const MAX_FIELDS = 12;
/** Longest text the card shows of a decoded or input string; the preview panel shows it whole. */
const MAX_TEXT = 160;

export class HoverCard {
  readonly root: HTMLElement;
  private index = -1;
  private readonly title: HTMLElement;
  private readonly picture: HTMLCanvasElement;
  private readonly rows: HTMLElement;
  private readonly texts: HTMLElement;
  private readonly note: HTMLElement;
  private at: [number, number] | null = null;

  constructor(private readonly container: HTMLElement) {
    this.title = h("div", { class: "lw-hover-title" });
    this.picture = h("canvas", { class: "lw-hover-image", hidden: true }) as HTMLCanvasElement;
    this.texts = h("div", { class: "lw-hover-texts", hidden: true });
    this.note = h("div", { class: "lw-hover-note", hidden: true });
    this.rows = h("div", { class: "lw-hover-rows" });
    this.root = h("div", { class: "lw-hover-card", hidden: true, role: "tooltip" }, [this.title, this.picture, this.texts, this.note, this.rows]);
    this.root.dataset.index = "-1";
    this.root.dataset.filled = "0";
    container.append(this.root);
  }

  /**
   * Show point `index` next to screen position `at` (CSS px in the map), if known: `fields` are
   * what the page knows at once (`filled` false) or the preview's metadata (`filled` true), with
   * its `preview` where it came: the decoded picture (the input's where `hasDecoder` is false), a
   * sound's picture and length, or the decoded text above the input text.
   */
  show(
    index: number,
    title: string,
    fields: readonly [string, string][],
    at: [number, number] | null,
    filled = true,
    preview: Preview | null = null,
    hasDecoder = true,
  ): void {
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
    if (preview) this.showPreview(preview, hasDecoder);
    else if (!same || !filled) this.showPreview(null, hasDecoder);
    this.root.hidden = false;
    if (at) this.at = at;
    if (this.at) this.place(this.at);
  }

  private showPreview(preview: Preview | null, hasDecoder: boolean): void {
    const main = preview === null ? null : hasDecoder ? (preview.recon ?? preview.input) : preview.input;
    const image = main?.kind === "image" ? main : null;
    if (image) {
      drawRgba(this.picture, image.image);
      // A sound's picture is wide: keep its shape rather than a square.
      this.picture.style.aspectRatio = `${image.image.width} / ${image.image.height}`;
    }
    this.picture.hidden = image === null;
    this.root.dataset.image = image ? "1" : "0";
    const audio = image?.audio;
    this.note.hidden = !audio;
    this.note.textContent = audio ? `${durationText(audio.duration)} · click to pin and play` : "";
    this.root.dataset.audio = audio ? "1" : "0";
    // Text: the decoded string, and under it the input it was encoded from.
    const input = hasDecoder && preview?.recon ? preview.input : null;
    const lines = [textLine("decoded", main), textLine("input", input)].filter((line) => line !== null);
    this.texts.replaceChildren(...lines);
    this.texts.hidden = main?.kind !== "text";
    this.root.dataset.text = main?.kind === "text" ? "1" : "0";
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

/** One labelled string of the card ("decoded", "input"), or null where `item` is no text. */
function textLine(name: string, item: PreviewItem | null): HTMLElement | null {
  if (item?.kind !== "text") return null;
  const text = item.text.length > MAX_TEXT ? `${item.text.slice(0, MAX_TEXT - 1)}…` : item.text;
  return h("div", { class: `lw-hover-text lw-hover-text-${name}` }, [h("span", { class: "lw-hover-name", text: name }), h("span", { class: "lw-hover-string", text })]);
}
