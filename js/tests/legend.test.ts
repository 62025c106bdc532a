import { describe, expect, it } from "vitest";
import { fitTicks, legendRows, type TickBox } from "../src/map/legend";

describe("legendRows", () => {
  it("shows every category when they fit", () => {
    expect(legendRows(["a", "b", "(missing)"])).toEqual([0, 1, 2]);
  });

  it("keeps (other) and (missing) when the list is cut", () => {
    const names = [...Array.from({ length: 254 }, (_, i) => `k${i}`), "(other)", "(missing)"];
    const rows = legendRows(names);
    expect(rows).toHaveLength(24);
    expect(rows.slice(0, 22)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(rows.slice(22)).toEqual([254, 255]);
  });
});

/** The [from, to] px of each kept label, aligned as the CSS aligns them (first, last, centred). */
function extents(ticks: readonly TickBox[], kept: number[], barWidth: number): [number, number][] {
  return kept.map((i) => {
    const x = ticks[i].position * barWidth;
    const w = ticks[i].width;
    if (i === 0) return [x, x + w];
    if (i === ticks.length - 1) return [x - w, x];
    return [x - w / 2, x + w / 2];
  });
}

describe("fitTicks", () => {
  // quantile ticks: bunched at both ends, labels of measured widths (px)
  const ticks: TickBox[] = [0, 0.05, 0.12, 0.3, 0.5, 0.7, 0.88, 0.95, 1].map((position, i) => ({
    position,
    width: [22, 28, 28, 22, 22, 28, 28, 34, 40][i],
  }));

  it.each([40, 60, 90, 140, 180, 400, 1000])("never lets labels overlap on a %i px bar", (barWidth) => {
    const kept = fitTicks(ticks, barWidth);
    const boxes = extents(ticks, kept, barWidth);
    for (let k = 1; k < boxes.length; k++) expect(boxes[k][0]).toBeGreaterThanOrEqual(boxes[k - 1][1] + 6);
    for (const [from, to] of boxes.slice(1, -1)) {
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeLessThanOrEqual(barWidth);
    }
    expect(kept[0]).toBe(0);
  });

  it("shows more ticks on a wider bar, both ends while they fit, and the first without the last when not", () => {
    const counts = [60, 140, 400, 2000].map((w) => fitTicks(ticks, w).length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBeLessThan(counts[3]);
    expect(fitTicks(ticks, 2000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fitTicks(ticks, 1000)).not.toContain(7); // 0.95 x 1000 + 17 px runs into the last label
    expect(fitTicks(ticks, 140)).toContain(8);
    expect(fitTicks(ticks, 60)).not.toContain(8); // 22 px + 40 px end labels cannot share 60 px
  });

  it("measures: the same positions keep fewer ticks when the labels are wider", () => {
    const wide = ticks.map((t) => ({ ...t, width: t.width * 2 }));
    expect(fitTicks(wide, 400).length).toBeLessThan(fitTicks(ticks, 400).length);
    expect(fitTicks([], 100)).toEqual([]);
    expect(fitTicks([{ position: 0.5, width: 300 }], 100)).toEqual([0]);
  });
});
