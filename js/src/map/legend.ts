// Legend over the map: categorical swatches (click selects a category) or a continuous colour bar.

import { drawRgba, h, listen } from "../ui/dom";
import { type Decoded, decodeOptional } from "../wire/codecs";
import { frameImage } from "../wire/trait-arrays";
import { type Model, strings } from "../wire/traits";
import type { ColorKind } from "../wire/types";
import { categoryColor, MISSING_LABEL, OTHER_LABEL, rampGradient } from "./colors";

const MAX_ROWS = 24;

export interface LegendSpec {
  kind: ColorKind;
  title: string;
  categories: readonly string[];
  /** Points per category code, if known. */
  counts: readonly number[] | null;
  range: readonly number[];
  /** Colour-bar ticks from Python: [position in 0..1, label] (none: ticks from the range). */
  ticks: readonly [number, string][];
  /** A picture per category code ([K, H, W, 4] RGBA), e.g. each cluster's decoded centroid. */
  images: Decoded<"uint8"> | null;
}

/** Well-formed `_color_ticks` entries, positions clamped into 0..1. */
export function parseTicks(raw: unknown): [number, string][] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((t): t is [unknown, unknown] => Array.isArray(t) && t.length === 2 && Number.isFinite(Number(t[0])))
    .map(([position, label]) => [Math.min(1, Math.max(0, Number(position))), String(label)]);
}

/** What the legend shows for the model's colour traits, with the points in each category. */
export function legendSpec(model: Model): LegendSpec {
  const kind = model.get("_color_kind");
  const categories = strings(model, "_color_categories");
  let counts: number[] | null = null;
  const raw = model.get("_colors");
  const all = (model.get("_color_counts") ?? []) as number[];
  if (kind === "categorical" && all.length > 0) {
    // A sampled map: the kernel counts all points, drawn or not.
    counts = categories.map((_, code) => all[code] ?? 0);
  } else if (kind === "categorical" && raw) {
    try {
      const codes = decodeOptional("_colors", raw, { dtypes: ["uint32", "int32", "uint16", "uint8"], shape: [-1] });
      if (codes) {
        counts = new Array<number>(categories.length).fill(0);
        for (let i = 0; i < codes.data.length; i++) {
          const c = codes.data[i];
          if (c < counts.length) counts[c] += 1;
        }
      }
    } catch {
      counts = null;
    }
  }
  return {
    kind: kind === "categorical" || kind === "continuous" ? kind : "none",
    title: String(model.get("color_by") ?? ""),
    categories,
    counts,
    range: (model.get("_color_range") ?? [0, 1]) as number[],
    ticks: parseTicks(model.get("_color_ticks")),
    images: kind === "categorical" ? legendImages(model.get("_legend_images")) : null,
  };
}

/** `_legend_images` decoded, or null when absent or malformed. */
function legendImages(raw: unknown): Decoded<"uint8"> | null {
  try {
    const images = decodeOptional("_legend_images", raw, { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    return images && images.shape[0] > 0 ? images : null;
  } catch (error) {
    console.warn("latentwidgets: ignoring _legend_images", error);
    return null;
  }
}

/**
 * Codes of the legend rows: the first categories up to MAX_ROWS, and always "(other)" and
 * "(missing)", which stand for points that no other row explains.
 */
export function legendRows(categories: readonly string[]): number[] {
  const special = new Set([OTHER_LABEL, MISSING_LABEL]);
  const codes = categories.map((_, code) => code);
  const always = codes.filter((code) => special.has(categories[code]));
  const rest = codes.filter((code) => !special.has(categories[code]));
  return [...rest.slice(0, MAX_ROWS - always.length), ...always];
}

/** Width (CSS px) of the colour bar with placed ticks, and about how wide a label's character is. */
export const PLACED_BAR_PX = 180;
const CHAR_PX = 6.5;
const TICK_PAD_PX = 6;

/** A placed tick as laid out: its position along the bar (0..1) and its label's width in px. */
export interface TickBox {
  position: number;
  width: number;
}

/**
 * Indices of the ticks whose labels fit side by side, `pad` px apart, on a bar `barWidth` px wide.
 * The labels are placed as the CSS places them: the first from its tick rightwards, the last
 * leftwards, the others centred on their tick (and these must stay on the bar). The first is
 * always kept; the last too unless it would touch the first (a bar too narrow for both ends);
 * the others, from left to right, when they touch neither their kept neighbour nor the last.
 */
export function fitTicks(ticks: readonly TickBox[], barWidth: number, pad = TICK_PAD_PX): number[] {
  const n = ticks.length;
  if (n <= 1) return n === 1 ? [0] : [];
  const x = (i: number) => ticks[i].position * barWidth;
  const firstEnd = x(0) + ticks[0].width;
  const lastStart = x(n - 1) - ticks[n - 1].width;
  const keepLast = lastStart >= firstEnd + pad;
  const limit = keepLast ? lastStart - pad : barWidth;
  const kept = [0];
  let edge = firstEnd + pad;
  for (let i = 1; i < n - 1; i++) {
    const from = x(i) - ticks[i].width / 2;
    const to = x(i) + ticks[i].width / 2;
    if (from >= edge && from >= 0 && to <= limit) {
      kept.push(i);
      edge = to + pad;
    }
  }
  if (keepLast) kept.push(n - 1);
  return kept;
}

/**
 * The ticks whose labels fit on a bar `width` px wide, from estimated label widths: what the
 * legend shows until it has measured the bar and its labels in the page (see `fitTicks`).
 */
export function thinTicks(ticks: readonly [number, string][], width = PLACED_BAR_PX): [number, string][] {
  // Two ticks are the bar's two ends: kept as they are until measured (fitTicks then decides).
  if (ticks.length <= 2) return [...ticks];
  const boxes = ticks.map(([position, label]) => ({ position, width: label.length * CHAR_PX }));
  return fitTicks(boxes, width).map((i) => ticks[i]);
}

/** Compact number for colour-bar ticks. */
export function formatTick(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

/**
 * Floats over the map's top right corner, compact and translucent, and takes no room from the
 * points (they are framed in the whole map); its title folds it away to the title alone.
 */
export class Legend {
  readonly root: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private collapsed = false;
  private placedTicks: HTMLElement | null = null;
  // The bar shrinks with a narrow map (e.g. half of lw.compare): ticks are thinned again whenever
  // the tick row's width changes, including from 0 when the legend first enters the page.
  private readonly resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => this.fitPlacedTicks());

  constructor(private readonly onPick: (code: number, merge: boolean) => void) {
    this.root = h("div", { class: "lw-legend", hidden: true });
    this.stops.push(
      listen(this.root, "click", (event) => {
        const target = event.target as HTMLElement;
        if (target.closest(".lw-legend-toggle")) {
          this.collapsed = !this.collapsed;
          this.showCollapsed();
          return;
        }
        const row = target.closest<HTMLElement>("[data-code]");
        if (row) this.onPick(Number(row.dataset.code), event.shiftKey || event.metaKey || event.ctrlKey);
      }),
    );
  }

  update(spec: LegendSpec): void {
    this.root.replaceChildren();
    this.resize?.disconnect();
    this.placedTicks = null;
    this.root.hidden = spec.kind === "none";
    this.root.dataset.kind = spec.kind;
    if (spec.kind === "none") return;
    this.root.append(
      h("button", { type: "button", class: "lw-legend-toggle", title: "Fold or unfold the legend" }, [
        h("span", { class: "lw-legend-title", text: spec.title }),
        h("span", { class: "lw-legend-chevron", "aria-hidden": "true" }),
      ]),
    );
    this.showCollapsed();
    if (spec.kind === "continuous") {
      const [lo, hi] = spec.range;
      // Every tick is laid out (so that its label can be measured); those that do not fit are
      // made invisible once the bar and the labels are measured, until then the estimate's.
      const estimate = new Set(thinTicks(spec.ticks).map(([position]) => position));
      const placed = h(
        "div",
        { class: "lw-colorbar-ticks is-placed" },
        spec.ticks.map(([position, label]) =>
          h("span", {
            text: label,
            style: `left: ${(position * 100).toFixed(2)}%;${estimate.has(position) ? "" : " visibility: hidden;"}`,
            "data-position": position,
            "data-shown": estimate.has(position) ? "1" : "0",
          }),
        ),
      );
      this.root.append(
        h("div", { class: "lw-colorbar", style: `background: ${rampGradient()}` }),
        spec.ticks.length
          ? placed
          : h("div", { class: "lw-colorbar-ticks" }, [
              h("span", { text: formatTick(Number(lo)) }),
              h("span", { text: formatTick((Number(lo) + Number(hi)) / 2) }),
              h("span", { text: formatTick(Number(hi)) }),
            ]),
      );
      if (spec.ticks.length) {
        this.placedTicks = placed;
        this.resize?.observe(placed);
        this.fitPlacedTicks();
      }
      return;
    }
    const list = h("div", { class: "lw-legend-list" });
    const shown = legendRows(spec.categories);
    for (const code of shown) {
      const name = spec.categories[code];
      const count = spec.counts?.[code];
      const images = spec.images;
      let picture: HTMLCanvasElement | null = null;
      if (images && code < images.shape[0]) {
        picture = h("canvas", { class: "lw-legend-image lw-pixels", width: 1, height: 1, "data-code": code, "data-source": "legend" });
        drawRgba(picture, frameImage(images, code));
      }
      list.append(
        h(
          "button",
          { type: "button", class: "lw-legend-row", "data-code": code, title: `Select ${name} (shift: add)` },
          [
            h("span", { class: "lw-swatch", style: `background: ${categoryColor(code, name)}` }),
            ...(picture ? [picture] : []),
            h("span", { class: "lw-legend-name", text: name }),
            ...(count === undefined ? [] : [h("span", { class: "lw-legend-count", text: count.toLocaleString("en-US") })]),
          ],
        ),
      );
    }
    if (spec.categories.length > shown.length) {
      list.append(h("div", { class: "lw-legend-more", text: `+${spec.categories.length - shown.length} more` }));
    }
    this.root.append(list);
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.resize?.disconnect();
  }

  /** Show the placed ticks whose measured labels fit the measured bar; hide the rest. */
  private fitPlacedTicks(): void {
    const row = this.placedTicks;
    const barWidth = row?.clientWidth ?? 0;
    if (!row || barWidth === 0) return; // folded away, or not in the page yet: nothing to measure
    const spans = [...row.children] as HTMLElement[];
    const boxes = spans.map((span) => ({ position: Number(span.dataset.position), width: span.getBoundingClientRect().width }));
    const kept = new Set(fitTicks(boxes, barWidth));
    spans.forEach((span, i) => {
      span.style.visibility = kept.has(i) ? "" : "hidden";
      span.dataset.shown = kept.has(i) ? "1" : "0";
    });
    row.dataset.barWidth = String(Math.round(barWidth));
    row.dataset.ticksShown = String(kept.size);
  }

  private showCollapsed(): void {
    this.root.dataset.collapsed = this.collapsed ? "1" : "0";
    this.root.querySelector(".lw-legend-toggle")?.setAttribute("aria-expanded", String(!this.collapsed));
  }
}
