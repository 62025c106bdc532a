import { describe, expect, it } from "vitest";
import {
  CATEGORICAL,
  categoricalPalette,
  categoryColor,
  continuousRange,
  luminance,
  parseColor,
  pointColors,
  RAMP_SIZE,
  rampColor,
  rampPalette,
} from "../src/colors";
import { formatTick } from "../src/legend";

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
});

describe("continuous colours", () => {
  it("maps values into [0, 1] by the trait's range, clamping outliers and non-finite values", () => {
    const colors = pointColors("continuous", new Float32Array([0, 5, 10, 20, -3, Number.NaN]), 6, [0, 10], []);
    expect(colors?.dataType).toBe("continuous");
    expect(Array.from(colors?.values ?? [])).toEqual([0, 0.5, 1, 1, 0, 0]);
    expect(colors?.palette).toHaveLength(RAMP_SIZE);
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
