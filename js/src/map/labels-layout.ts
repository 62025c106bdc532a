// Which category labels the map shows: the kernel's places read from `_label_places`, each label's
// size from its category's, and a greedy pass in screen space that keeps the biggest categories'
// labels and hides those that would overlap one kept already or leave the map.

/** `_label_places`: each category's name, where its points are densest (raw map units), its size. */
export interface LabelPlaces {
  column: string;
  names: string[];
  x: number[];
  y: number[];
  count: number[];
}

export const NO_PLACES: LabelPlaces = { column: "", names: [], x: [], y: [], count: [] };

/** Font sizes (CSS px) of the smallest and the biggest category's label. */
export const MIN_FONT_PX = 11;
export const MAX_FONT_PX = 16;
/** Room (px) kept between two labels, and between a label and the map's edge. */
export const LABEL_GAP_PX = 3;

/** `_label_places` as sent, or no places when it is malformed (a label never breaks the map). */
export function parsePlaces(value: unknown): LabelPlaces {
  if (typeof value !== "object" || value === null) return NO_PLACES;
  const v = value as Record<string, unknown>;
  const lists = [v.names, v.x, v.y, v.count];
  if (!lists.every(Array.isArray)) return NO_PLACES;
  const [names, x, y, count] = lists as unknown[][];
  const n = names.length;
  if (x.length !== n || y.length !== n || count.length !== n) return NO_PLACES;
  return { column: String(v.column ?? ""), names: names.map(String), x: x.map(Number), y: y.map(Number), count: count.map(Number) };
}

/** The font size of a category of `count` points when the biggest has `largest`: by its area. */
export function labelFontSize(count: number, largest: number): number {
  const share = largest > 0 ? Math.sqrt(Math.max(0, Math.min(1, count / largest))) : 0;
  return Math.round((MIN_FONT_PX + (MAX_FONT_PX - MIN_FONT_PX) * share) * 2) / 2;
}

/** A label to place: centred on (x, y) on screen, `width` x `height` px, `weight` its category's size. */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  weight: number;
}

/** A rectangle on screen: [left, top, right, bottom] in px. */
export type Rect = readonly [number, number, number, number];

function overlaps(a: Rect, b: Rect, gap: number): boolean {
  return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;
}

/**
 * Which labels to show on a map `width` x `height` px: the heaviest first (ties: in order), each
 * kept when it lies wholly on the map, `gap` px from its edges, and `gap` px clear of every label
 * kept before it and of the `obstacles` (the legend). Returns one flag per label.
 */
export function layoutLabels(boxes: readonly LabelBox[], width: number, height: number, obstacles: readonly Rect[] = [], gap = LABEL_GAP_PX): boolean[] {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b].weight - boxes[a].weight || a - b);
  const shown = boxes.map(() => false);
  const kept: Rect[] = [];
  for (const i of order) {
    const { x, y, width: w, height: h } = boxes[i];
    if (![x, y, w, h].every(Number.isFinite)) continue;
    const rect: Rect = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
    const inside = rect[0] >= gap && rect[1] >= gap && rect[2] <= width - gap && rect[3] <= height - gap;
    if (!inside || obstacles.some((o) => overlaps(rect, o, gap)) || kept.some((k) => overlaps(rect, k, gap))) continue;
    kept.push(rect);
    shown[i] = true;
  }
  return shown;
}
