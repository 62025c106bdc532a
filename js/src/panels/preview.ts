// Decoded previews: the `preview` command's response, and the panel that shows it.
import { drawRgba, h } from "./dom";
import type { Preview, PreviewItem } from "./types";

/** The `preview` command failed on the Python side (its response carried `error`). */
export class PreviewError extends Error {}

function parseItem(name: string, item: unknown, buffers: readonly DataView[]): PreviewItem | null {
  if (item === null || item === undefined) return null;
  if (typeof item !== "object") throw new TypeError(`preview ${name} must be an object or null; got ${typeof item}`);
  const it = item as Record<string, unknown>;
  if (it.kind === "text") return { kind: "text", text: String(it.text ?? "") };
  if (it.kind !== "image") throw new TypeError(`preview ${name}.kind must be "image" or "text"; got ${String(it.kind)}`);
  const { width, height, buffer } = it;
  if (!(Number.isInteger(width) && Number.isInteger(height) && (width as number) > 0 && (height as number) > 0)) {
    throw new RangeError(`preview ${name} needs positive integer width and height; got ${String(width)}x${String(height)}`);
  }
  if (!(Number.isInteger(buffer) && (buffer as number) >= 0 && (buffer as number) < buffers.length)) {
    throw new RangeError(`preview ${name}.buffer must index one of ${buffers.length} buffers; got ${String(buffer)}`);
  }
  const view = buffers[buffer as number];
  const w = width as number;
  const ht = height as number;
  if (view.byteLength !== w * ht * 4) {
    throw new RangeError(`preview ${name} is ${w}x${ht} RGBA (${w * ht * 4} bytes); its buffer has ${view.byteLength}`);
  }
  // Copied: the cache must not keep a message's whole buffer alive through a view.
  const data = new Uint8ClampedArray(view.byteLength);
  data.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return { kind: "image", image: { width: w, height: ht, data } };
}

/** Turn a `preview` response and its buffers into a Preview; throws PreviewError on `error`. */
export function parsePreview(response: unknown, buffers: readonly DataView[]): Preview {
  if (typeof response !== "object" || response === null) {
    throw new TypeError(`preview response must be an object; got ${response === null ? "null" : typeof response}`);
  }
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new PreviewError(r.error);
  return {
    index: Number(r.index),
    recon: parseItem("recon", r.recon, buffers),
    input: parseItem("input", r.input, buffers),
    fields: parseFields(r.fields),
  };
}

/** `fields`: [name, value] pairs for the hover card; anything malformed is left out. */
export function parseFields(fields: unknown): [string, string][] {
  if (!Array.isArray(fields)) return [];
  return fields
    .filter((f): f is unknown[] => Array.isArray(f) && f.length === 2)
    .map(([name, value]) => [String(name), String(value)] as [string, string]);
}

/** A decoded probe: the image the kernel made for map coordinates (x, y). */
export interface ProbeResult {
  x: number;
  y: number;
  exact: boolean;
  recon: PreviewItem | null;
}

/** Turn a `probe` response and its buffers into a ProbeResult; throws PreviewError on `error`. */
export function parseProbe(response: unknown, buffers: readonly DataView[]): ProbeResult {
  if (typeof response !== "object" || response === null) {
    throw new TypeError(`probe response must be an object; got ${response === null ? "null" : typeof response}`);
  }
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new PreviewError(r.error);
  return { x: Number(r.x), y: Number(r.y), exact: r.exact === true, recon: parseItem("recon", r.recon, buffers) };
}

/** Bytes a preview holds, for the LRU's budget. */
export function previewBytes(preview: Preview): number {
  const size = (item: PreviewItem | null) =>
    item === null ? 0 : item.kind === "image" ? item.image.data.byteLength : item.text.length * 2;
  return 64 + size(preview.recon) + size(preview.input);
}

/** One slot of the panel: a pixelated canvas or a text block, captioned. */
class Figure {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private readonly caption: HTMLElement;

  constructor(
    private readonly cls: string,
    caption: string,
  ) {
    this.canvas = h("canvas", { class: "lw-pixels", width: 1, height: 1 });
    this.text = h("div", { class: "lw-preview-text" });
    this.caption = h("figcaption", { text: caption });
    this.root = h("figure", { class: "lw-figure" }, [this.canvas, this.text, this.caption]);
  }

  /** Show `item` for point `index`, or for a probe at map coordinates `at` (as sent). */
  show(item: PreviewItem | null, index: number, caption?: string, at?: [string, string]): void {
    this.root.hidden = item === null;
    if (caption !== undefined) this.caption.textContent = caption;
    // The contract's class sits on whichever element shows the content.
    const active = item?.kind === "text" ? this.text : this.canvas;
    const idle = active === this.canvas ? this.text : this.canvas;
    idle.classList.remove(this.cls);
    for (const name of ["data-index", "data-source", "data-x", "data-y"]) idle.removeAttribute(name);
    idle.hidden = true;
    if (item === null) return;
    active.hidden = false;
    active.classList.add(this.cls);
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
}

/** The preview panel: the decoded point beside its input. */
export class PreviewPanel {
  readonly root: HTMLElement;
  private readonly label: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly error: HTMLElement;
  private readonly main = new Figure("lw-preview-image", "decoded");
  private readonly input = new Figure("lw-preview-input", "input");

  constructor(private readonly onDrawn: () => void) {
    this.label = h("span", { class: "lw-panel-note" });
    this.empty = h("div", { class: "lw-empty", text: "Hover a point to decode it; click to pin it." });
    this.error = h("div", { class: "lw-preview-error", hidden: true });
    this.body = h("div", { class: "lw-preview-body", hidden: true }, [this.main.root, this.input.root]);
    // One fixed-size stage for the images, the hint and the error: hovering must not move the
    // panels (a control under the pointer would slip away).
    this.root = h("section", { class: "lw-panel lw-preview" }, [
      h("header", { class: "lw-panel-head" }, [h("span", { class: "lw-panel-title", text: "Preview" }), this.label]),
      h("div", { class: "lw-stage" }, [this.body, this.empty, this.error]),
    ]);
  }

  /** Show a decoded preview; `hasDecoder` false shows the input as the main image. */
  show(preview: Preview, label: string, hasDecoder: boolean): void {
    this.root.classList.remove("is-loading");
    this.error.hidden = true;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.label.textContent = label;
    const main = hasDecoder ? preview.recon : preview.input;
    const mainCaption = hasDecoder ? "decoded" : "input";
    this.main.show(main ?? preview.input, preview.index, main ? mainCaption : "input");
    this.input.show(hasDecoder && preview.recon ? preview.input : null, preview.index);
    this.onDrawn();
  }

  /** Show a probe's decoded image for map coordinates `at` (the numbers sent, as text). */
  showProbe(probe: ProbeResult, at: [string, string]): void {
    this.root.classList.remove("is-loading");
    this.error.hidden = true;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.label.textContent = `probe (${Number(at[0]).toPrecision(3)}, ${Number(at[1]).toPrecision(3)})${probe.exact ? "" : " · approximate"}`;
    this.main.show(probe.recon, -1, probe.exact ? "decoded here" : "approximate (nearest points mixed)", at);
    this.input.show(null, -1);
    this.onDrawn();
  }

  /** A request for `index` is on its way: keep the last image, dimmed. */
  loading(label: string): void {
    this.root.classList.add("is-loading");
    this.label.textContent = label;
  }

  fail(label: string, message: string): void {
    this.root.classList.remove("is-loading");
    this.label.textContent = label;
    this.error.textContent = message;
    this.error.hidden = false;
  }

  clear(): void {
    this.root.classList.remove("is-loading");
    this.label.textContent = "";
    this.body.hidden = true;
    this.error.hidden = true;
    this.empty.hidden = false;
  }
}
