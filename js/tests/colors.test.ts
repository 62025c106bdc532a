import { describe, expect, it } from "vitest";
import {
  CATEGORICAL,
  categoricalPalette,
  categoryColor,
  continuousRange,
  luminance,
  MISSING_COLOR,
  MISSING_LABEL,
  OTHER_COLOR,
  OTHER_LABEL,
  parseColor,
  pointColors,
  RAMP,
  RAMP_SIZE,
  rampColor,
  rampGradient,
  rampIndex,
  rampPalette,
} from "../src/map/colors";
import { formatTick } from "../src/map/legend";

describe("categorical colours", () => {
  it("uses Tableau 10 first and cycles beyond the palette", () => {
    expect(categoryColor(0)).toBe("#4e79a7");
    expect(categoryColor(1)).toBe("#f28e2b");
    expect(categoryColor(CATEGORICAL.length)).toBe(categoryColor(0));
    expect(new Set(categoricalPalette(20)).size).toBe(20);
  });

  it("gives regl-scatterplot one colour per code, covering the largest code", () => {
    const colors = pointColors("categorical", new Uint32Array([0, 2, 7, 2]), 4, [], ["a", "b", "c"]);
    expect(colors?.dataType).toBe("categorical");
    expect(Array.from(colors?.values ?? [])).toEqual([0, 2, 7, 2]);
    expect(colors?.palette).toHaveLength(8);
    // Integers: regl-scatterplot reads valueA as a category index.
    expect(Array.from(colors?.values ?? []).every(Number.isInteger)).toBe(true);
  });

  it("draws the missing and other categories in their own colours, wherever they sit", () => {
    const categories = ["a", "b", OTHER_LABEL, MISSING_LABEL];
    const colors = pointColors("categorical", new Uint8Array([0, 3, 2, 1]), 4, [], categories);
    expect(colors?.palette).toEqual([CATEGORICAL[0], CATEGORICAL[1], OTHER_COLOR, MISSING_COLOR]);
    expect(categoryColor(3, MISSING_LABEL)).toBe(MISSING_COLOR);
    expect(categoryColor(3, "d")).toBe(CATEGORICAL[3]);
    expect(categoricalPalette(2, [MISSING_LABEL])).toEqual([MISSING_COLOR, CATEGORICAL[1]]);
    expect(CATEGORICAL).not.toContain(MISSING_COLOR);
    expect(CATEGORICAL).not.toContain(OTHER_COLOR);
  });
});

describe("continuous colours", () => {
  it("bins values over the trait's range into the ramp, clamping outliers", () => {
    const colors = pointColors("continuous", new Float32Array([0, 5, 10, 20, -3, 9.99]), 6, [0, 10], []);
    // Palette indices, as regl-scatterplot reads categorical values: floor(t * 64), the top in the last.
    expect(colors?.dataType).toBe("categorical");
    expect(Array.from(colors?.values ?? [])).toEqual([0, 32, 63, 63, 0, 63]);
    expect(colors?.palette).toEqual([...RAMP, MISSING_COLOR]);
    expect(RAMP_SIZE).toBe(64);
  });

  it("draws NaN in the missing colour, not at the low end", () => {
    const colors = pointColors("continuous", new Float32Array([Number.NaN, 0, 1]), 3, [0, 1], []);
    const values = Array.from(colors?.values ?? []);
    expect(values).toEqual([RAMP_SIZE, 0, RAMP_SIZE - 1]);
    expect(colors?.palette[values[0]]).toBe(MISSING_COLOR);
    // An infinity is a value off the scale, not a missing one.
    expect(rampIndex(Number.POSITIVE_INFINITY, 0, 1)).toBe(RAMP_SIZE - 1);
    expect(rampIndex(Number.NEGATIVE_INFINITY, 0, 1)).toBe(0);
  });

  it("bins like Bokeh's LinearColorMapper (checked in Python by tests/test_colors.py)", () => {
    // RAMP_CASES: [value, lo, hi, index]; tests/test_colors.py reads this table and runs
    // latentwidgets.colors.ramp_indices on it, so the two binnings cannot drift apart.
    const RAMP_CASES: [number, number, number, number][] = [
      [0.5, 0, 1, 32],
      [0.015625, 0, 1, 1],
      [0.0156, 0, 1, 0],
      [0.3, 0.1, 0.7, 21],
      [-1, -2, 2, 16],
      [1e-9, 0, 1e-8, 6],
      [7, 3, 7, 63],
      // floor((v - lo) / span * 64) would say 47: the order of the operations matters.
      [1.4, -1, 2.2, 48],
    ];
    for (const [value, lo, hi, index] of RAMP_CASES) expect(rampIndex(value, lo, hi)).toBe(index);
  });

  it("falls back to the data's range and widens a constant column", () => {
    expect(continuousRange(new Float32Array([2, 4, 3]), [])).toEqual([2, 4]);
    expect(continuousRange(new Float32Array([2, 4]), [Number.NaN, 1])).toEqual([2, 4]);
    expect(continuousRange(new Float32Array([3, 3]), [3, 3])).toEqual([2.5, 3.5]);
    expect(continuousRange(new Float32Array([Number.NaN]), [])).toEqual([0, 1]);
  });

  it("runs dark purple to yellow", () => {
    expect(rampColor(0)).toBe("#440154");
    expect(rampColor(1)).toBe("#fde725");
    const ramp = rampPalette();
    expect(ramp[0]).toBe("#440154");
    expect(ramp.at(-1)).toBe("#fde725");
    expect(rampGradient()).toContain("#440154, #450759");
    expect((luminance(ramp.at(-1) ?? "") ?? 0) > (luminance(ramp[0]) ?? 1)).toBe(true);
  });
});

describe("pointColors without a usable column", () => {
  it("returns null for none, missing or mismatched colours", () => {
    expect(pointColors("none", new Uint32Array(3), 3, [], [])).toBeNull();
    expect(pointColors("categorical", null, 3, [], [])).toBeNull();
    expect(pointColors("categorical", new Uint32Array(2), 3, [], [])).toBeNull();
  });
});

describe("CSS colour parsing", () => {
  it("reads rgb(), rgba() and hex", () => {
    expect(parseColor("rgb(255, 0, 51)")).toEqual([1, 0, 0.2, 1]);
    expect(parseColor("rgba(0, 0, 0, 0.5)")).toEqual([0, 0, 0, 0.5]);
    expect(parseColor("#ffffff")).toEqual([1, 1, 1, 1]);
    expect(parseColor("var(--x)")).toBeNull();
  });

  it("tells dark from light backgrounds", () => {
    expect(luminance("rgb(17, 17, 17)")).toBeLessThan(0.05);
    expect(luminance("rgb(255, 255, 255)")).toBeCloseTo(1);
    expect(luminance("rgba(0, 0, 0, 0)")).toBeNull();
  });
});

describe("formatTick", () => {
  it("keeps colour-bar labels short", () => {
    expect(formatTick(0.123456)).toBe("0.123");
    expect(formatTick(1234.5)).toBe("1230");
    expect(formatTick(123456)).toBe("1.2e+5");
    expect(formatTick(0)).toBe("0");
  });
});
