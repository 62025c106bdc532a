// Issue 19: a projection switch lands in one glide. New coordinates are normalised so that the
// camera framing the points before frames them too (no camera move after the glide), and the
// WebGL renderer is sized to the maps, not the window (a frame's cost follows its pixels).
import { beforeEach, describe, expect, it, vi } from "vitest";
import { boundsNormalisation, dataBox, fitCamera, normaliseWith } from "../src/map/points";
import { framedNormalisation } from "../src/map/switch-frame";

const WIDE = [-10, -1, 10, 1, 0, 0];
const TALL = [5, 0, 6, 40, 5.5, 20];

describe("framedNormalisation", () => {
  it("is the bounds' normalisation where there is no previous map", () => {
    expect(framedNormalisation(TALL, null, { width: 600, height: 400 })).toEqual(boundsNormalisation(TALL));
  });

  it("frames the new points with the camera that framed the old ones", () => {
    for (const [before, after] of [
      [WIDE, TALL],
      [TALL, WIDE],
    ]) {
      const previous = boundsNormalisation(before);
      const norm = framedNormalisation(after, previous, { width: 600, height: 400 });
      const camera = fitCamera(dataBox(previous), 600, 400);
      expect(fitCamera(dataBox(norm), 600, 400).target).toEqual([0, 0]);
      expect(fitCamera(dataBox(norm), 600, 400).distance).toBeCloseTo(camera.distance, 12);
      // still centred on the new points' bounds, the same scale on both axes
      const { x, y } = normaliseWith(after, norm);
      expect(Math.min(...x) + Math.max(...x)).toBeCloseTo(0, 6);
      expect(Math.min(...y) + Math.max(...y)).toBeCloseTo(0, 6);
      expect((Math.max(...x) - Math.min(...x)) / (Math.max(...y) - Math.min(...y))).toBeCloseTo((after[2] - after[0]) / (after[3] - after[1]), 5);
    }
  });

  it("stays finite for points all on one spot, before or after", () => {
    const spot = [3, 4, 3, 4];
    const size = { width: 600, height: 400 };
    const norm = framedNormalisation(spot, boundsNormalisation(WIDE), size);
    expect([norm.cx, norm.cy]).toEqual([3, 4]);
    expect(Number.isFinite(norm.scale) && norm.scale > 0).toBe(true);
    const back = framedNormalisation(WIDE, norm, size);
    expect(Object.values(back).every(Number.isFinite)).toBe(true);
    expect(fitCamera(dataBox(back), 600, 400).distance).toBeCloseTo(fitCamera(dataBox(norm), 600, 400).distance, 12);
  });
});

const renderers: { sizes: [number, number][]; destroyed: boolean }[] = [];

vi.mock("regl-scatterplot", () => ({
  createRenderer: () => {
    const renderer = {
      sizes: [] as [number, number][],
      destroyed: false,
      get isDestroyed() {
        return renderer.destroyed;
      },
      resize(w: number, h: number) {
        renderer.sizes.push([w, h]);
      },
      refresh() {},
      destroy() {
        renderer.destroyed = true;
      },
    };
    renderers.push(renderer);
    return renderer;
  },
}));

describe("the shared renderer", () => {
  beforeEach(() => {
    (globalThis as { document?: unknown }).document = { createElement: () => ({}) };
  });

  it("takes the largest map's size, not the window's, and goes with the last map", async () => {
    const { acquireRenderer, releaseRenderer, sizeRenderer } = await import("../src/map/shared-renderer");
    const a = {};
    const b = {};
    const gl = acquireRenderer(a, 662, 440);
    expect(acquireRenderer(b, 300, 600.4)).toBe(gl);
    const renderer = renderers.at(-1);
    expect(renderer?.sizes).toEqual([
      [662, 440],
      [662, 601],
    ]);
    sizeRenderer(a, 662, 440); // no change: no resize (it reallocates a float framebuffer)
    expect(renderer?.sizes.length).toBe(2);
    releaseRenderer(b, gl);
    expect(renderer?.sizes.at(-1)).toEqual([662, 440]);
    expect(renderer?.destroyed).toBe(false);
    releaseRenderer(a, gl);
    expect(renderer?.destroyed).toBe(true);
  });
});
