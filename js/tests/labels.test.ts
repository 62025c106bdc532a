import { describe, expect, it } from "vitest";
import { LABEL_GAP_PX, type LabelBox, labelFontSize, layoutLabels, MAX_FONT_PX, MIN_FONT_PX, NO_PLACES, parsePlaces, type Rect } from "../src/map/labels-layout";

const box = (x: number, y: number, weight: number, width = 40, height = 14): LabelBox => ({ x, y, width, height, weight });

/** The [left, top, right, bottom] of a box as laid out: centred on its place. */
const rect = (b: LabelBox): Rect => [b.x - b.width / 2, b.y - b.height / 2, b.x + b.width / 2, b.y + b.height / 2];

function disjoint(a: Rect, b: Rect): boolean {
  return a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
}

describe("layoutLabels", () => {
  it("shows labels far apart", () => {
    expect(layoutLabels([box(50, 50, 10), box(200, 50, 5), box(120, 150, 1)], 300, 200)).toEqual([true, true, true]);
  });

  it("keeps the bigger category's label where two overlap, whatever their order", () => {
    expect(layoutLabels([box(100, 100, 5), box(110, 104, 50)], 300, 200)).toEqual([false, true]);
    expect(layoutLabels([box(110, 104, 50), box(100, 100, 5)], 300, 200)).toEqual([true, false]);
  });

  it("keeps the first of equal categories", () => {
    expect(layoutLabels([box(100, 100, 7), box(105, 100, 7)], 300, 200)).toEqual([true, false]);
  });

  it("keeps a gap between labels", () => {
    // 40 px wide: centres 41 px apart leave 1 px between them, under the gap
    expect(layoutLabels([box(100, 100, 2), box(141, 100, 1)], 300, 200)).toEqual([true, false]);
    expect(layoutLabels([box(100, 100, 2), box(140 + LABEL_GAP_PX, 100, 1)], 300, 200)).toEqual([true, true]);
  });

  it("hides labels that leave the map or have no place on it", () => {
    const boxes = [box(10, 100, 9), box(290, 100, 8), box(150, 4, 7), box(150, -50, 6), box(Number.NaN, 10, 5), box(150, 100, 1)];
    expect(layoutLabels(boxes, 300, 200)).toEqual([false, false, false, false, false, true]);
  });

  it("keeps clear of obstacles such as the legend", () => {
    const legend: Rect = [200, 0, 300, 80];
    expect(layoutLabels([box(240, 40, 9), box(100, 40, 1)], 300, 200, [legend])).toEqual([false, true]);
  });

  it("never shows two overlapping labels, and shows a label wherever one fits", () => {
    // a crowd of 300 labels at pseudo-random places on a 600 x 400 map
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const boxes = Array.from({ length: 300 }, () => box(random() * 600, random() * 400, Math.floor(random() * 1000), 20 + random() * 60, 12 + random() * 6));
    const shown = layoutLabels(boxes, 600, 400);
    const kept = boxes.filter((_, i) => shown[i]);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(300);
    for (let i = 0; i < kept.length; i++) {
      for (let j = i + 1; j < kept.length; j++) expect(disjoint(rect(kept[i]), rect(kept[j]))).toBe(true);
    }
    // greedy: every hidden label that lies on the map touches a kept one at least as heavy
    boxes.forEach((b, i) => {
      const r = rect(b);
      const onMap = r[0] >= LABEL_GAP_PX && r[1] >= LABEL_GAP_PX && r[2] <= 600 - LABEL_GAP_PX && r[3] <= 400 - LABEL_GAP_PX;
      if (shown[i] || !onMap) return;
      const grown: Rect = [r[0] - LABEL_GAP_PX, r[1] - LABEL_GAP_PX, r[2] + LABEL_GAP_PX, r[3] + LABEL_GAP_PX];
      expect(kept.some((k) => k.weight >= b.weight && !disjoint(grown, rect(k)))).toBe(true);
    });
  });

  it("shows more labels on a bigger map of the same places (zooming in spreads them)", () => {
    const places = Array.from({ length: 40 }, (_, i) => [(i % 8) * 12, Math.floor(i / 8) * 10] as const);
    const at = (zoom: number) => places.map(([x, y], i) => box(40 + x * zoom, 40 + y * zoom, 40 - i));
    const count = (zoom: number) => layoutLabels(at(zoom), 2000, 2000).filter(Boolean).length;
    expect(count(1)).toBeLessThan(count(4));
    expect(count(8)).toBe(40);
  });
});

describe("labelFontSize", () => {
  it("grows with the category's size, within bounds", () => {
    expect(labelFontSize(1000, 1000)).toBe(MAX_FONT_PX);
    expect(labelFontSize(0, 1000)).toBe(MIN_FONT_PX);
    expect(labelFontSize(250, 1000)).toBeGreaterThan(MIN_FONT_PX);
    expect(labelFontSize(250, 1000)).toBeLessThan(labelFontSize(500, 1000));
    expect(labelFontSize(5, 0)).toBe(MIN_FONT_PX);
  });
});

describe("parsePlaces", () => {
  it("reads the kernel's places", () => {
    const sent = { column: "label", names: ["a", "b"], x: [1, 2], y: [3, 4], count: [10, 5] };
    expect(parsePlaces(sent)).toEqual(sent);
  });

  it("reads malformed places as none", () => {
    expect(parsePlaces(null)).toEqual(NO_PLACES);
    expect(parsePlaces({})).toEqual(NO_PLACES);
    expect(parsePlaces({ column: "a", names: ["a"], x: [1, 2], y: [1], count: [1] })).toEqual(NO_PLACES);
  });
});
