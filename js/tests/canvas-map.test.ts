import { describe, expect, it } from "vitest";
import { panBy, projection, sameCamera, viewMatrix, wheelFactor, zoomAt } from "../src/map/canvas-camera";
import { binPoints, chooseSample, disc, newRaster, shadeDensity, stampPoints, toBytes, toneMap } from "../src/map/canvas-raster";
import { boxPolygon, pointInPolygon, selectInPolygon } from "../src/map/lasso";
import { buildSpatialIndex, pickable } from "../src/map/pick";
import { type Camera, fromScreen, toScreen } from "../src/map/points";

const W = 300;
const H = 200;

describe("canvas camera", () => {
  const camera: Camera = { target: [0.3, -0.2], distance: 0.5 };

  it("is regl-scatterplot's view matrix, so points.ts maps it", () => {
    const view = viewMatrix(camera);
    // The target is drawn in the middle; one unit up is H / 2 / distance px up.
    expect(toScreen(view, W, H, 0.3, -0.2)).toEqual([W / 2, H / 2]);
    const [, sy] = toScreen(view, W, H, 0.3, 0.8);
    expect(sy).toBeCloseTo(H / 2 - H / 2 / 0.5);
    const proj = projection(camera, W, H);
    const [sx2, sy2] = toScreen(view, W, H, 0.7, 0.1);
    expect(proj.a * 0.7 + proj.bx).toBeCloseTo(sx2);
    expect(-proj.a * 0.1 + proj.by).toBeCloseTo(sy2);
  });

  it("pans with the drag: the point under the pointer follows it", () => {
    const before = toScreen(viewMatrix(camera), W, H, 0.5, 0.5);
    const after = toScreen(viewMatrix(panBy(camera, 25, -10, H)), W, H, 0.5, 0.5);
    expect(after[0] - before[0]).toBeCloseTo(25);
    expect(after[1] - before[1]).toBeCloseTo(-10);
  });

  it("zooms about the pointer", () => {
    const at: [number, number] = [80, 150];
    const under = fromScreen(viewMatrix(camera), W, H, ...at);
    const zoomed = zoomAt(camera, 2, ...at, W, H);
    expect(zoomed.distance).toBeCloseTo(0.25);
    const still = fromScreen(viewMatrix(zoomed), W, H, ...at);
    expect(still?.[0]).toBeCloseTo(under?.[0] ?? Number.NaN);
    expect(still?.[1]).toBeCloseTo(under?.[1] ?? Number.NaN);
  });

  it("zooms in on a wheel turned away, out on one turned back", () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-99, 0));
  });

  it("tells cameras apart", () => {
    expect(sameCamera(camera, { target: [0.3, -0.2], distance: 0.5 })).toBe(true);
    expect(sameCamera(camera, { target: [0.31, -0.2], distance: 0.5 })).toBe(false);
  });
});

describe("chooseSample", () => {
  it("draws all points up to the limit", () => {
    expect(chooseSample(1000, 1000)).toBeNull();
  });

  it("draws distinct indices in increasing order, the same each time", () => {
    const sample = chooseSample(10_000, 2_000);
    expect(sample?.length).toBe(2_000);
    for (let i = 1; i < (sample?.length ?? 0); i++) expect(sample?.[i]).toBeGreaterThan(sample?.[i - 1] ?? 0);
    expect(chooseSample(10_000, 2_000)).toEqual(sample);
  });

  it("leaves no class out of points ordered by class (a stride would)", () => {
    const sample = chooseSample(100_000, 20_000) ?? new Uint32Array();
    const perClass = new Array(10).fill(0);
    for (const i of sample) perClass[i % 10] += 1;
    for (const count of perClass) expect(Math.abs(count - 2_000)).toBeLessThan(200);
  });

  it("leaves out the points tests/ui/test_canvas_fallback.py expects", () => {
    // The browser test repeats this draw in Python to hover points that are not drawn.
    const sample = new Set(chooseSample(250_000, 200_000, 1));
    const leftOut = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k).filter((i) => !sample.has(i));
    expect(leftOut(0, 20)).toEqual([3, 4, 9]);
    expect(leftOut(249_950, 250_000)).toEqual([249955, 249958, 249960, 249962, 249969, 249973, 249974, 249986, 249992, 249993, 249994, 249996]);
  });
});

describe("density", () => {
  const colors = { palette: Float32Array.of(1, 0, 0, 0, 0, 1), codes: Uint8Array.of(0, 0, 1, 0) };
  // a = 10 px per unit, origin at pixel (5, 5): points (0, 0), (0.01, 0.01), (0, 0) again, (1, 1)
  const proj = { a: 10, bx: 5, by: 5 };
  const x = Float32Array.of(0, 0.01, 0, 1);
  const y = Float32Array.of(0, 0.01, 0, 1);

  it("bins every point into the pixel it falls in, with its colour", () => {
    const bins = binPoints(20, 20, x, y, colors, proj);
    const k = 4 * 20 + 5; // floor(-0.1 + 5) = 4 for the second point's row: rows grow downwards
    expect(bins.counts[5 * 20 + 5]).toBe(2);
    expect(bins.counts[k]).toBe(1);
    expect(bins.counts[(5 - 10) * 20 + 15] ?? 0).toBe(0); // (1, 1) is above the image
    expect(bins.max).toBe(2);
    expect(Array.from(bins.rgb.slice(3 * (5 * 20 + 5), 3 * (5 * 20 + 5) + 3))).toEqual([1, 0, 1]);
  });

  it("tone-maps counts logarithmically, a single point still visible", () => {
    expect(toneMap(0, 100, 0.8)).toBe(0);
    expect(toneMap(1, 100, 0.8)).toBeCloseTo(0.2);
    expect(toneMap(100, 100, 0.8)).toBeCloseTo(0.8);
    expect(toneMap(10, 100, 0.8)).toBeGreaterThan(toneMap(5, 100, 0.8));
    expect(toneMap(1, 1, 0.8)).toBe(0.8);
  });

  it("shades each pixel with the mean colour of its points", () => {
    const raster = newRaster(20, 20);
    shadeDensity(raster, binPoints(20, 20, x, y, colors, proj), 0.8);
    const p = 4 * (5 * 20 + 5);
    const bytes = new Uint8ClampedArray(raster.data.length);
    toBytes(raster, bytes);
    expect(Array.from(bytes.slice(p, p + 4))).toEqual([128, 0, 128, 204]);
    expect(bytes[3]).toBe(0);
  });
});

describe("stampPoints", () => {
  it("draws round discs of the size asked, over what is there", () => {
    const d = disc(5);
    expect(d.offsets.length / 2).toBeGreaterThanOrEqual(21);
    expect(d.coverage[(d.offsets.length / 2 - 1) / 2]).toBe(1);
    const raster = newRaster(20, 20);
    const colors = { palette: Float32Array.of(0, 1, 0), codes: null };
    const n = stampPoints(raster, Float32Array.of(0, 50), Float32Array.of(0, 50), null, colors, { a: 1, bx: 10, by: 10 }, 5, 0.5);
    expect(n).toBe(1);
    const centre = 4 * (10 * 20 + 10);
    expect(raster.data[centre + 1]).toBeCloseTo(0.5);
    expect(raster.data[centre + 3]).toBeCloseTo(0.5);
    expect(raster.data[4 * (10 * 20 + 15) + 3]).toBe(0);
  });

  it("skips the points flagged, and draws only those asked for", () => {
    const raster = newRaster(10, 10);
    const colors = { palette: Float32Array.of(1, 1, 1), codes: null };
    const proj = { a: 1, bx: 0, by: 0 };
    const xs = Float32Array.of(2, 7);
    const ys = Float32Array.of(-2, -7);
    expect(stampPoints(raster, xs, ys, null, colors, proj, 1, 1, Uint8Array.of(1, 0))).toBe(1);
    expect(stampPoints(raster, xs, ys, [0], colors, proj, 1, 1)).toBe(1);
  });
});

describe("lasso", () => {
  const x = Float32Array.of(0, 1, 2, 0.5, 5);
  const y = Float32Array.of(0, 1, 0, 0.2, 5);
  const p = pickable(buildSpatialIndex(x, y), x, y);

  it("tests points against a polygon", () => {
    const triangle = [-1, -1, 3, -1, 1, 2];
    expect(pointInPolygon(triangle, 1, 0)).toBe(true);
    expect(pointInPolygon(triangle, 3, 2)).toBe(false);
  });

  it("selects the points inside, in increasing order", () => {
    expect(selectInPolygon(p, boxPolygon(-0.5, -0.5, 1.5, 1.5))).toEqual([0, 1, 3]);
    expect(selectInPolygon(p, [-2, -0.5, 4, -0.5, 1, 0.5])).toEqual([0, 2, 3]);
    expect(selectInPolygon(p, [0, 0, 1, 1])).toEqual([]);
  });
});
