// Previews of points: latest-wins requests to the kernel's `preview` command for the point on show
// (hovered, else pinned), a client-side cache that galleries and chips share, and the point's label.
// What is on show goes out on `shown`; the preview panel and the hover card listen.

import { decodeOptional } from "../wire/codecs";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LruCache } from "../wire/lru";
import { type ProbeResult, parsePreview, previewBytes } from "../wire/preview-codec";
import { LatestWinsRequester } from "../wire/requester";
import { int, type Model, strings } from "../wire/traits";
import type { Preview, RgbaImage } from "../wire/types";
import { Signal } from "./signal";

// A few hundred small images: a re-hover shows in one frame, with no request.
const CACHE_ENTRIES = 300;
const CACHE_BYTES = 48 * 2 ** 20;

/**
 * The cache and request key of a preview: the point `index` on the live map (snapshot -1), or as
 * snapshot `snapshot` of the history slider saw it, for the slider's `generation` of stops (new
 * `_history` renumbers them): a past stop never shows, nor takes from the cache, another stop's image.
 * `model` is `_model_version`: after `update()` the same point decodes anew, so an image of an
 * older model is never taken for the new one's, not even from a request still in flight.
 */
export function previewKey(index: number, snapshot = -1, generation = 0, model = 0): string {
  const stop = snapshot < 0 ? String(index) : `${index}@${snapshot}#${generation}`;
  return model === 0 ? stop : `${stop}~${model}`;
}

/** The point and the snapshot (-1: live) of a key from previewKey. */
export function parsePreviewKey(key: string): { index: number; snapshot: number } {
  const [index, rest] = key.split("~")[0].split("@");
  return { index: Number(index), snapshot: rest === undefined ? -1 : Number(rest.split("#")[0]) };
}

/** What the preview on show is now. */
export type PreviewShown =
  | { kind: "loading"; label: string }
  | { kind: "point"; preview: Preview; label: string; snapshot: number; hasDecoder: boolean }
  | { kind: "probe"; probe: ProbeResult; at: [string, string] }
  | { kind: "failed"; label: string; message: string; source: "point" | "probe" }
  | { kind: "none" };

export class Previews {
  readonly shown = new Signal<PreviewShown>();
  private readonly cache = new LruCache<string, Preview>(CACHE_ENTRIES, CACHE_BYTES, previewBytes);
  private readonly requester: LatestWinsRequester<Preview, string>;
  /** The history slider's stop on show: a snapshot, or -1 for the live map. */
  private snapshot = -1;
  private generation = 0;
  private modelVersion = 0;
  /** Gallery fetches, one after another, so that a hover never waits behind a whole gallery. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly controller = new AbortController();

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    /** Each point's category code, for the label (null: no categories). */
    private readonly categoryCodes: () => ArrayLike<number> | null,
  ) {
    this.requester = new LatestWinsRequester<Preview, string>({
      cache: this.cache,
      fetch: (key, signal) => {
        const { index, snapshot } = parsePreviewKey(key);
        return this.fetch(index, signal, snapshot);
      },
      show: (key, value) => this.show(parsePreviewKey(key), value),
      fail: (key, error) =>
        this.shown.emit({ kind: "failed", label: this.label(parsePreviewKey(key).index), message: errorText(error), source: "point" }),
    });
  }

  /** Show the hovered point, or the pinned one when none is hovered (-1). */
  update(hoverIndex: number): void {
    const target = hoverIndex >= 0 ? hoverIndex : int(this.model.get("pinned"));
    if (target < 0) {
      this.requester.want(null);
      this.shown.emit({ kind: "none" });
      return;
    }
    const key = previewKey(target, this.snapshot, this.generation, this.modelVersion);
    if (!this.cache.has(key)) this.shown.emit({ kind: "loading", label: this.label(target) });
    this.requester.want(key);
  }

  /**
   * The history slider moved to `snapshot` (-1: the live map) of its `generation` of stops: the
   * point on show (hovered, else pinned) is asked for again, as that stop saw it.
   */
  setStop(snapshot: number, generation: number, hoverIndex: number): void {
    const same = snapshot === this.snapshot && (snapshot < 0 || generation === this.generation);
    this.snapshot = snapshot;
    this.generation = generation;
    if (!same) this.update(hoverIndex);
  }

  /** `update()` put model `version` in place: show the point on show again, as it decodes now. */
  setModelVersion(version: number, hoverIndex: number): void {
    if (version === this.modelVersion) return;
    this.modelVersion = version;
    this.cache.clear();
    this.update(hoverIndex);
  }

  /** The cached live image of `index` (the reconstruction where there is a decoder), if any. */
  thumbnail(index: number): RgbaImage | null {
    const cached = this.cache.peek(previewKey(index, -1, 0, this.modelVersion));
    const item = this.model.get("_has_decoder") !== false ? (cached?.recon ?? cached?.input) : cached?.input;
    return item?.kind === "image" ? item.image : null;
  }

  /**
   * The live preview of `index` for a gallery, from the cache or the kernel (then cached, so that
   * a hover on it later costs nothing). Requests run one at a time.
   */
  get(index: number): Promise<Preview> {
    const key = previewKey(index, -1, 0, this.modelVersion);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const next = this.queue.then(async () => {
      const again = this.cache.get(key);
      if (again) return again;
      const preview = await this.fetch(index, this.controller.signal);
      this.cache.set(key, preview);
      return preview;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Show what the probe decoded at map coordinates `at` (the numbers sent, as text). */
  showProbe(probe: ProbeResult, at: [string, string]): void {
    this.shown.emit({ kind: "probe", probe, at });
  }

  probeFailed(message: string): void {
    this.shown.emit({ kind: "failed", label: "probe", message, source: "probe" });
  }

  /** Drop every cached preview: the indices now name other points. */
  forget(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.requester.dispose();
    this.controller.abort(new Error("previews disposed"));
  }

  private async fetch(index: number, signal: AbortSignal, snapshot = -1): Promise<Preview> {
    const request = snapshot < 0 ? { index } : { index, snapshot };
    const [response, buffers] = await this.invoke<unknown>(COMMANDS.preview, request, { signal });
    const preview = parsePreview(response, buffers);
    const answered = (response as { snapshot?: unknown }).snapshot;
    if (answered !== undefined && answered !== null && answered !== snapshot) {
      throw new TypeError(`preview of snapshot ${snapshot} came back for snapshot ${String(answered)}`);
    }
    return { ...preview, index };
  }

  private show({ index, snapshot }: { index: number; snapshot: number }, value: Preview): void {
    const hasDecoder = this.model.get("_has_decoder") !== false;
    this.shown.emit({ kind: "point", preview: { ...value, index }, label: this.label(index), snapshot, hasDecoder });
  }

  /**
   * What the page knows of point `index` without the kernel, for the hover card at once: the
   * colour column and its value (the category, or the number of a continuous column).
   */
  quickFields(index: number): [string, string][] {
    const column = String(this.model.get("color_by") ?? "");
    const kind = this.model.get("_color_kind");
    if (!column || (kind !== "categorical" && kind !== "continuous")) return [];
    if (kind === "categorical") {
      const codes = this.categoryCodes();
      const name = codes && index < codes.length ? strings(this.model, "_color_categories")[codes[index]] : undefined;
      return name === undefined ? [] : [[column, name]];
    }
    try {
      const values = decodeOptional("_colors", this.model.get("_colors"), { dtypes: ["float32"], shape: [-1] })?.data;
      const value = values && index < values.length ? values[index] : Number.NaN;
      return Number.isFinite(value) ? [[column, formatValue(value)]] : [];
    } catch {
      return [];
    }
  }

  /** "#12 · cat · pinned": the point's index, category and whether it is pinned. */
  label(index: number): string {
    const parts = [`#${index}`];
    const codes = this.categoryCodes();
    const categories = strings(this.model, "_color_categories");
    if (codes && index < codes.length && categories[codes[index]] !== undefined) parts.push(categories[codes[index]]);
    if (index === int(this.model.get("pinned"))) parts.push("pinned");
    return parts.join(" · ");
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A continuous colour value as the card shows it: up to 4 significant digits. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
