// The preview panel's glue: latest-wins requests to the kernel's `preview` command, a client-side
// cache, and the label of the point shown.
import type { Invoke } from "./invoke";
import { LruCache } from "./lru";
import { PreviewPanel, parsePreview, previewBytes } from "./preview";
import { LatestWinsRequester } from "./requester";
import { int, type Model, strings } from "./traits";
import type { Preview, RgbaImage } from "./types";

// A few hundred small images: a re-hover shows in one frame, with no request.
const CACHE_ENTRIES = 300;
const CACHE_BYTES = 48 * 2 ** 20;

export interface PreviewHooks {
  /** Each point's category code, for the label (null: no categories). */
  categoryCodes: () => ArrayLike<number> | null;
  /** A preview of `index` is on show. */
  onShown: (index: number, preview: Preview) => void;
  /** A new preview image was drawn; `count` of them so far. */
  onDrawn: (count: number) => void;
}

export class Previews {
  readonly panel: PreviewPanel;
  private readonly cache = new LruCache<number, Preview>(CACHE_ENTRIES, CACHE_BYTES, previewBytes);
  private readonly requester: LatestWinsRequester<Preview>;
  private drawnCount = 0;
  /** Gallery fetches, one after another, so that a hover never waits behind a whole gallery. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly controller = new AbortController();

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    private readonly hooks: PreviewHooks,
  ) {
    this.requester = new LatestWinsRequester<Preview>({
      cache: this.cache,
      fetch: (index, signal) => this.fetch(index, signal),
      show: (index, value) => this.show(index, value),
      fail: (index, error) => this.panel.fail(this.label(index), error instanceof Error ? error.message : String(error)),
    });
    this.panel = new PreviewPanel(() => this.hooks.onDrawn(++this.drawnCount));
  }

  /** Show the hovered point, or the pinned one when none is hovered (-1). */
  update(hoverIndex: number): void {
    const target = hoverIndex >= 0 ? hoverIndex : int(this.model.get("pinned"));
    if (target < 0) {
      this.requester.want(-1);
      this.panel.clear();
      return;
    }
    if (!this.cache.has(target)) this.panel.loading(this.label(target));
    this.requester.want(target);
  }

  /** The cached image of `index` (the reconstruction where there is a decoder), if any. */
  thumbnail(index: number): RgbaImage | null {
    const cached = this.cache.peek(index);
    const item = this.model.get("_has_decoder") !== false ? (cached?.recon ?? cached?.input) : cached?.input;
    return item?.kind === "image" ? item.image : null;
  }

  /**
   * The preview of `index` for a gallery, from the cache or the kernel (then cached, so that a
   * hover on it later costs nothing). Requests run one at a time.
   */
  get(index: number): Promise<Preview> {
    const hit = this.cache.get(index);
    if (hit) return Promise.resolve(hit);
    const next = this.queue.then(async () => {
      const again = this.cache.get(index);
      if (again) return again;
      const preview = await this.fetch(index, this.controller.signal);
      this.cache.set(index, preview);
      return preview;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Drop every cached preview: the indices now name other points. */
  forget(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.requester.dispose();
    this.controller.abort(new Error("previews disposed"));
  }

  private async fetch(index: number, signal: AbortSignal): Promise<Preview> {
    const [response, buffers] = await this.invoke<unknown>("preview", { index }, { signal });
    return { ...parsePreview(response, buffers), index };
  }

  private show(index: number, value: Preview): void {
    this.panel.show(value, this.label(index), this.model.get("_has_decoder") !== false);
    this.hooks.onShown(index, value);
  }

  /** "#12 · cat · pinned": the point's index, category and whether it is pinned. */
  label(index: number): string {
    const parts = [`#${index}`];
    const codes = this.hooks.categoryCodes();
    const categories = strings(this.model, "_color_categories");
    if (codes && index < codes.length && categories[codes[index]] !== undefined) parts.push(categories[codes[index]]);
    if (index === int(this.model.get("pinned"))) parts.push("pinned");
    return parts.join(" · ");
  }
}
