// The frames of a text model read as a list of sentences (interpolation, traversal): the frame on
// show is highlighted and kept in view, and a click on a line shows that frame.
import "./frame-texts.css";
import { h, listen } from "../ui/dom";
import type { Model } from "../wire/traits";

/** Which frames' strings: the keys of `_frame_texts`. */
export type FrameTextsKey = "interp" | "traverse" | "samples";

/**
 * The strings of `key` in `_frame_texts`, or null when there are none (image or audio mode, no
 * frames yet, or a malformed value, which is ignored with a warning).
 */
export function frameTexts(model: Model, key: FrameTextsKey): string[] | null {
  const value = (model.get("_frame_texts") ?? {}) as Partial<Record<FrameTextsKey, unknown>>;
  const texts = value[key];
  if (texts === undefined || texts === null) return null;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) {
    console.warn(`latentwidgets: ignoring _frame_texts.${key}`, texts);
    return null;
  }
  return texts.length > 0 ? texts : null;
}

/** Whether two lists of strings are the same, item by item (null: none). */
export function sameTexts(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((text, i) => text === b[i]);
}

/**
 * The scroll offset that shows an item spanning `[top, top + height)` in a view of `viewHeight`
 * scrolled to `scrollTop`: unchanged when the item is in view already, else the least move that
 * brings it in (its top edge first when the item is taller than the view).
 */
export function scrollToShow(top: number, height: number, scrollTop: number, viewHeight: number): number {
  if (top < scrollTop || height >= viewHeight) return top;
  if (top + height > scrollTop + viewHeight) return top + height - viewHeight;
  return scrollTop;
}

/** An `<ol class="lw-frame-texts">`: one line per frame, the one on show `is-current`. */
export class FrameTextList {
  readonly root: HTMLOListElement;
  private texts: string[] | null = null;
  private current = -1;
  private readonly stop: () => void;

  /** `onPick(frame)`: a line was clicked. `label` names the list for assistive technology. */
  constructor(label: string, onPick: (frame: number) => void) {
    this.root = h("ol", { class: "lw-frame-texts", "aria-label": label, hidden: true });
    this.stop = listen(this.root, "click", (event) => {
      const line = (event.target as HTMLElement).closest<HTMLElement>("li[data-frame]");
      if (line) onPick(Number(line.dataset.frame));
    });
  }

  /** The strings listed (none: empty). */
  get lines(): readonly string[] {
    return this.texts ?? [];
  }

  /** The frames' strings (null: none, the list hides). Unchanged strings keep the list as it is. */
  set(texts: string[] | null): void {
    if (sameTexts(texts, this.texts)) return;
    this.texts = texts;
    this.current = -1;
    this.root.hidden = texts === null;
    this.root.replaceChildren(
      ...(texts ?? []).map((text, f) => h("li", { class: "lw-frame-text", "data-frame": f, title: text }, [text])),
    );
  }

  /** Highlight frame `f` and scroll the list (not the page) to show it. */
  setCurrent(f: number): void {
    const lines = this.root.children;
    if (f === this.current && lines[f]?.classList.contains("is-current")) return;
    lines[this.current]?.classList.remove("is-current");
    lines[this.current]?.removeAttribute("aria-current");
    this.current = f;
    const line = lines[f] as HTMLElement | undefined;
    if (!line) return;
    line.classList.add("is-current");
    line.setAttribute("aria-current", "true");
    // Not scrollIntoView: it would scroll the notebook too, under the reader's eyes.
    this.root.scrollTop = scrollToShow(line.offsetTop, line.offsetHeight, this.root.scrollTop, this.root.clientHeight);
  }

  destroy(): void {
    this.stop();
  }
}
