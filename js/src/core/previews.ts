// Previews of points: latest-wins requests to the kernel's `preview` command for the point on show
// (hovered, else pinned), a client-side cache that galleries and chips share, and the point's label.
// What is on show goes out on `shown`; the preview panel and the hover card listen.
// The points the pointer is heading for are fetched ahead in batches (`preview_batch`) into a
// cache of their own, so that the hover finds them in the page and a guess never evicts what was
// shown; the hover's own request goes first, and none is sent for a point a batch in flight asks for.

import { decodeOptional } from "../wire/codecs";
import { COMMANDS, LIMITS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LruCache } from "../wire/lru";
import { Prefetcher } from "../wire/prefetcher";
import { type ProbeResult, parsePreview, parsePreviewBatch, previewBytes } from "../wire/preview-codec";
import { LatestWinsRequester, type ValueCache } from "../wire/requester";
import { int, type Model, strings } from "../wire/traits";
import type { Preview, RgbaImage } from "../wire/types";
import { Signal } from "./signal";

// A few hundred small images: a re-hover shows in one frame, with no request.
const CACHE_ENTRIES = 300;
const CACHE_BYTES = 48 * 2 ** 20;
// What is fetched ahead: a few batches' worth, kept apart so that guesses evict only guesses.
const AHEAD_ENTRIES = 64;
const AHEAD_BYTES = 4 * 2 ** 20;

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
  /** Previews fetched ahead and not shown yet: shown once, they move to `cache`. */
  private readonly ahead = new LruCache<string, Preview>(AHEAD_ENTRIES, AHEAD_BYTES, previewBytes);
  /** Both caches as one: a hit in `ahead` moves to `cache`. */
  private readonly tiers: ValueCache<string, Preview> = {
    get: (key) => this.lookup(key),
    set: (key, value) => this.cache.set(key, value),
  };
  private readonly requester: LatestWinsRequester<Preview, string>;
  private readonly prefetcher: Prefetcher<string, Preview>;
  /** The key the hover (or the pin) wants on show, or null. */
  private wanted: string | null = null;
  private requests = 0;
  private prefetched = 0;
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
    /**
     * Writes a counter on the widget: `previewRequests` (the `preview` commands sent) and
     * `prefetched` (the previews fetched ahead).
     */
    private readonly report: (name: string, value: string) => void = () => undefined,
  ) {
    this.requester = new LatestWinsRequester<Preview, string>({
      cache: this.tiers,
      fetch: (key, signal) => {
        const { index, snapshot } = parsePreviewKey(key);
        return this.fetchShown(key, index, signal, snapshot);
      },
      show: (key, value) => this.show(parsePreviewKey(key), value),
      fail: (key, error) =>
        this.shown.emit({ kind: "failed", label: this.label(parsePreviewKey(key).index), message: errorText(error), source: "point" }),
      settled: () => this.prefetcher.resume(),
    });
    this.prefetcher = new Prefetcher<string, Preview>({
      fetch: (keys, signal) => this.fetchBatch(keys, signal),
      known: (key) => key === this.wanted || this.cache.has(key) || this.ahead.has(key),
      keep: (key, value) => this.ahead.set(key, value),
      busy: () => this.requester.busy,
      sizeOf: previewBytes,
      maxPoints: LIMITS.preview_batch_points[1],
      maxBytes: LIMITS.preview_batch_bytes[1],
      fetched: (count) => {
        this.prefetched += count;
        this.report("prefetched", String(this.prefetched));
      },
    });
    this.report("previewRequests", "0");
    this.report("prefetched", "0");
  }

  /** Show the hovered point, or the pinned one when none is hovered (-1). */
  update(hoverIndex: number): void {
    const target = hoverIndex >= 0 ? hoverIndex : int(this.model.get("pinned"));
    if (target < 0) {
      this.wanted = null;
      this.requester.want(null);
      this.shown.emit({ kind: "none" });
      return;
    }
    const key = previewKey(target, this.snapshot, this.generation, this.modelVersion);
    this.wanted = key;
    if (!this.cache.has(key) && !this.ahead.has(key)) this.shown.emit({ kind: "loading", label: this.label(target) });
    this.requester.want(key);
  }

  /**
   * The pointer is heading for points `indices`, nearest first: fetch the first few ahead (on the
   * live map only; a past stop of the history slider shows another decoding).
   */
  prefetch(indices: readonly number[]): void {
    if (this.snapshot >= 0) return;
    this.prefetcher.want(indices.map((index) => previewKey(index, -1, 0, this.modelVersion)));
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
    this.forget();
    this.update(hoverIndex);
  }

  /** The cached live image of `index` (the reconstruction where there is a decoder), if any. */
  thumbnail(index: number): RgbaImage | null {
    const key = previewKey(index, -1, 0, this.modelVersion);
    const cached = this.cache.peek(key) ?? this.ahead.peek(key);
    const item = this.model.get("_has_decoder") !== false ? (cached?.recon ?? cached?.input) : cached?.input;
    return item?.kind === "image" ? item.image : null;
  }

  /**
   * The live preview of `index` for a gallery, from the cache or the kernel (then cached, so that
   * a hover on it later costs nothing). Requests run one at a time.
   */
  get(index: number): Promise<Preview> {
    const key = previewKey(index, -1, 0, this.modelVersion);
    const hit = this.lookup(key);
    if (hit) return Promise.resolve(hit);
    const next = this.queue.then(async () => {
      const again = this.lookup(key);
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
    this.ahead.clear();
    this.prefetcher.reset();
  }

  dispose(): void {
    this.requester.dispose();
    this.prefetcher.dispose();
    this.controller.abort(new Error("previews disposed"));
  }

  private lookup(key: string): Preview | undefined {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const ahead = this.ahead.get(key);
    if (ahead === undefined) return undefined;
    this.ahead.delete(key);
    this.cache.set(key, ahead);
    return ahead;
  }

  /** The preview on show: from the batch in flight where it asks for it, else its own request. */
  private async fetchShown(key: string, index: number, signal: AbortSignal, snapshot: number): Promise<Preview> {
    const coming = this.prefetcher.pending(key);
    const value = coming ? await coming : undefined;
    if (value !== undefined) {
      this.ahead.delete(key);
      return value;
    }
    return this.fetch(index, signal, snapshot);
  }

  private async fetchBatch(keys: string[], signal: AbortSignal): Promise<Map<string, Preview>> {
    const byIndex = new Map(keys.map((key) => [parsePreviewKey(key).index, key]));
    const [response, buffers] = await this.invoke<unknown>(COMMANDS.previewBatch, { indices: [...byIndex.keys()] }, { signal });
    const answered = new Map<string, Preview>();
    for (const [index, preview] of parsePreviewBatch(response, buffers)) {
      const key = byIndex.get(index);
      if (key !== undefined) answered.set(key, { ...preview, index });
    }
    return answered;
  }

  private async fetch(index: number, signal: AbortSignal, snapshot = -1): Promise<Preview> {
    const request = snapshot < 0 ? { index } : { index, snapshot };
    this.report("previewRequests", String(++this.requests));
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
