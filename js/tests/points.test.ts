import { describe, expect, it } from "vitest";
import {
  autoOpacity,
  autoPointSize,
  boxOf,
  dataBox,
  fitCamera,
  MIN_ZOOM_HALF_EXTENT,
  normalise,
  normalisePoints,
  toScreen,
} from "../src/map/points";

describe("normalisePoints", () => {
  it("maps the longer axis onto [-1, 1] and keeps the aspect ratio", () => {
    // x spans 10..30 (20 wide), y spans 0..5 (5 tall).
    const { x, y, norm } = normalisePoints(new Float32Array([10, 0, 30, 5, 20, 2.5]));
    expect(Array.from(x)).toEqual([-1, 1, 0]);
    expect(Array.from(y)).toEqual([-0.25, 0.25, 0]);
    expect(norm.halfWidth).toBe(1);
    expect(norm.halfHeight).toBe(0.25);
    expect(normalise(norm, 30, 5)).toEqual([1, 0.25]);
  });

  it("centres a single point and non-finite coordinates", () => {
    const one = normalisePoints(new Float32Array([4, -7]));
    expect([one.x[0], one.y[0]]).toEqual([0, 0]);
    const bad = normalisePoints(new Float32Array([0, 0, Number.NaN, 1, 2, 2]));
    expect([bad.x[1], bad.y[1]]).toEqual([0, 0]);
    expect([bad.x[2], bad.y[2]]).toEqual([1, 1]);
  });

  it("rejects an odd number of values", () => {
    expect(() => normalisePoints(new Float32Array(3))).toThrow(/even number/);
  });

  it("handles a million points in typed arrays", () => {
    const n = 1_000_000;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < xy.length; i++) xy[i] = (i * 7919) % 1000;
    const { x, y } = normalisePoints(xy);
    expect(x).toBeInstanceOf(Float32Array);
    expect(x.length).toBe(n);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, x[i], y[i]);
      hi = Math.max(hi, x[i], y[i]);
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
  });
});

describe("auto size and opacity", () => {
  it("shrink and fade as N grows, within bounds", () => {
    const ns = [1, 100, 2_000, 50_000, 1_000_000, 1e9];
    const sizes = ns.map(autoPointSize);
    const opacities = ns.map(autoOpacity);
    for (let i = 1; i < ns.length; i++) {
      expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
      expect(opacities[i]).toBeLessThanOrEqual(opacities[i - 1]);
    }
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1.5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    expect(autoPointSize(1_000_000)).toBeLessThan(autoPointSize(1_000));
    expect(Math.min(...opacities)).toBeGreaterThanOrEqual(0.3);
    expect(Math.max(...opacities)).toBeLessThanOrEqual(0.9);
  });
});

describe("screen mapping", () => {
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

  it("puts the origin at the centre and y up", () => {
    expect(toScreen(identity, 200, 100, 0, 0)).toEqual([100, 50]);
    // Height spans [-1, 1]; width spans [-aspect, aspect].
    expect(toScreen(identity, 200, 100, 0, 1)).toEqual([100, 0]);
    expect(toScreen(identity, 200, 100, 2, -1)).toEqual([200, 100]);
  });

  it("follows the camera's scale and translation", () => {
    // Zoomed in 2x and panned so that (0.5, 0) is in the centre.
    const view = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, -1, 0, 0, 1];
    expect(toScreen(view, 100, 100, 0.5, 0)).toEqual([50, 50]);
    expect(toScreen(view, 100, 100, 1, 0)).toEqual([100, 50]);
  });

  it("fits wide data into a wide canvas by its width", () => {
    const { norm } = normalisePoints(new Float32Array([0, 0, 40, 10]));
    const { target, distance } = fitCamera(dataBox(norm), 400, 100, 1);
    // Visible x at distance d is [-4d, 4d]: the data's [-1, 1] must fit, and y's [-0.25, 0.25].
    expect(distance).toBeCloseTo(0.25);
    expect(target).toEqual([0, 0]);
    expect(fitCamera(dataBox(norm), 100, 400, 1).distance).toBeCloseTo(4);
  });

  it("centres the data in the whole view: the legend takes no room", () => {
    const { norm } = normalisePoints(new Float32Array([-1, -1, 1, 1]));
    const width = 400;
    const height = 200;
    const { target, distance } = fitCamera(dataBox(norm), width, height, 1);
    // regl-scatterplot's view matrix for a camera at `target`, `distance` away.
    const view = [1 / distance, 0, 0, 0, 0, 1 / distance, 0, 0, 0, 0, 1, 0, -target[0] / distance, -target[1] / distance, 0, 1];
    const [centre, middle] = toScreen(view, width, height, 0, 0);
    expect(centre).toBeCloseTo(200);
    expect(middle).toBeCloseTo(100);
    const [, top] = toScreen(view, width, height, 0, 1);
    expect(top).toBeCloseTo(0);
  });

  it("frames a box off the centre around its own centre", () => {
    const box = { x: 0.5, y: -0.25, halfWidth: 0.1, halfHeight: 0.05 };
    const { target, distance } = fitCamera(box, 300, 300, 1);
    expect(target).toEqual([0.5, -0.25]);
    expect(distance).toBeCloseTo(0.1);
  });
});

describe("boxOf", () => {
  const x = new Float32Array([-1, 0.5, 0.25, 1]);
  const y = new Float32Array([0, 0.5, -0.5, 1]);

  it("bounds the chosen points only, ignoring indices out of range", () => {
    expect(boxOf(x, y, [1, 2, 7, -1])).toEqual({ x: 0.375, y: 0, halfWidth: 0.125, halfHeight: 0.5 });
    expect(boxOf(x, y, [9])).toBeNull();
    expect(boxOf(x, y, [])).toBeNull();
  });

  it("gives a single point a small box instead of an infinite zoom", () => {
    expect(boxOf(x, y, [3])).toEqual({ x: 1, y: 1, halfWidth: MIN_ZOOM_HALF_EXTENT, halfHeight: MIN_ZOOM_HALF_EXTENT });
  });
});
