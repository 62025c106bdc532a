// The preview panel's glue: latest-wins requests to the kernel's `preview` command, a client-side
// cache, and the label of the point shown.
import type { AnyModel, Experimental } from "@anywidget/types";
import { createInvoke } from "./invoke";
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
  onShown: (index: number) => void;
  /** A new preview image was drawn; `count` of them so far. */
  onDrawn: (count: number) => void;
}

export class Previews {
  readonly panel: PreviewPanel;
  private readonly cache = new LruCache<number, Preview>(CACHE_ENTRIES, CACHE_BYTES, previewBytes);
  private readonly requester: LatestWinsRequester<Preview>;
  private drawnCount = 0;

  constructor(
    private readonly model: Model,
    experimental: Experimental | undefined,
    private readonly hooks: PreviewHooks,
  ) {
    const invoke = createInvoke(model as AnyModel, experimental);
    this.requester = new LatestWinsRequester<Preview>({
      cache: this.cache,
      fetch: async (index, signal) => {
        const [response, buffers] = await invoke<unknown>("preview", { index }, { signal });
        return { ...parsePreview(response, buffers), index };
      },
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

  /** Drop every cached preview: the indices now name other points. */
  forget(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.requester.dispose();
  }

  private show(index: number, value: Preview): void {
    this.panel.show(value, this.label(index), this.model.get("_has_decoder") !== false);
    this.hooks.onShown(index);
  }

  private label(index: number): string {
    const parts = [`#${index}`];
    const codes = this.hooks.categoryCodes();
    const categories = strings(this.model, "_color_categories");
    if (codes && index < codes.length && categories[codes[index]] !== undefined) parts.push(categories[codes[index]]);
    if (index === int(this.model.get("pinned"))) parts.push("pinned");
    return parts.join(" · ");
  }
}
