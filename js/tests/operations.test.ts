import { describe, expect, it } from "vitest";
import { parseTicks, thinTicks } from "../src/map/legend";
import { MANIFOLD_GRID, parseManifold } from "../src/map/manifold";
import { denormalise, fitCamera, fromScreen, normalise, normalisePoints, toScreen, visibleRegion } from "../src/map/points";
import { overlapText } from "../src/panels/neighbours";
import { formatOffset, frameOffset } from "../src/panels/traverse";
import { LatestOnly } from "../src/wire/latest-only";
import { PreviewError, parseFields, parsePreview, parseProbe } from "../src/wire/preview-codec";

/** regl-scatterplot's view matrix for a camera at `target`, `distance` (column-major 4x4). */
function cameraView(target: [number, number], distance: number, rotation = 0): number[] {
  const c = Math.cos(rotation) / distance;
  const s = Math.sin(rotation) / distance;
  // scale, rotate, then translate the target to the origin
  const tx = -(c * target[0] - s * target[1]);
  const ty = -(s * target[0] + c * target[1]);
  return [c, s, 0, 0, -s, c, 0, 0, 0, 0, 1, 0, tx, ty, 0, 1];
}

describe("screen -> map", () => {
  it("inverts toScreen for any camera", () => {
    for (const [view, w, h] of [
      [cameraView([0, 0], 1), 200, 100],
      [cameraView([0.3, -0.2], 0.4), 640, 440],
      [cameraView([-1, 2], 3, 0.5), 300, 500],
    ] as [number[], number, number][]) {
      for (const [x, y] of [
        [0, 0],
        [0.5, -0.25],
        [-0.9, 0.8],
      ]) {
        const [sx, sy] = toScreen(view, w, h, x, y);
        const back = fromScreen(view, w, h, sx, sy);
        expect(back?.[0]).toBeCloseTo(x, 9);
        expect(back?.[1]).toBeCloseTo(y, 9);
      }
    }
  });

  it("puts the camera's target at the centre of the canvas", () => {
    const [x, y] = fromScreen(cameraView([0.25, -0.5], 0.5), 400, 200, 200, 100) ?? [];
    expect(x).toBeCloseTo(0.25);
    expect(y).toBeCloseTo(-0.5);
  });

  it("refuses a degenerate view", () => {
    expect(fromScreen(new Array(16).fill(0), 100, 100, 5, 5)).toBeNull();
  });

  it("reads raw map coordinates back through the normalisation of the points", () => {
    const { norm } = normalisePoints(new Float32Array([10, 20, 30, 60, 20, 40]));
    for (const [x, y] of [
      [10, 20],
      [25, 33],
    ]) {
      const [nx, ny] = normalise(norm, x, y);
      const [rx, ry] = denormalise(norm, nx, ny);
      expect(rx).toBeCloseTo(x, 5);
      expect(ry).toBeCloseTo(y, 5);
    }
  });

  it("finds the region a fitted camera shows: the data and a margin", () => {
    const { norm } = normalisePoints(new Float32Array([0, 0, 10, 10]));
    const camera = fitCamera({ x: 0, y: 0, halfWidth: 1, halfHeight: 1 }, 300, 300);
    const region = visibleRegion(norm, cameraView(camera.target, camera.distance), 300, 300);
    expect(region?.x0).toBeCloseTo(5 - 5 * 1.08);
    expect(region?.x1).toBeCloseTo(5 + 5 * 1.08);
    expect(region?.y0).toBeCloseTo(5 - 5 * 1.08);
    expect(region?.y1).toBeCloseTo(5 + 5 * 1.08);
  });
});

describe("manifold tiles", () => {
  it("lays tiles out row by row from the top, left to right", () => {
    const grid = 2;
    const [w, h] = [2, 1];
    // tile t is filled with the value t + 1
    const bytes = new Uint8Array(grid * grid * w * h * 4);
    for (let t = 0; t < grid * grid; t++) bytes.fill(t + 1, t * w * h * 4, (t + 1) * w * h * 4);
    const tiles = parseManifold({ grid, width: w, height: h, exact: true, buffer: 0, x0: 0, x1: 1, y0: 2, y1: 3 }, [new DataView(bytes.buffer)]);
    expect(tiles).toMatchObject({ grid, width: w, height: h, exact: true, x0: 0, x1: 1, y0: 2, y1: 3 });
    // image rows: [tile 0 | tile 1], [tile 2 | tile 3], each tile 2 px wide
    const px = (x: number, y: number) => tiles.rgba[(y * grid * w + x) * 4];
    expect([px(0, 0), px(1, 0), px(2, 0), px(3, 0)]).toEqual([1, 1, 2, 2]);
    expect([px(0, 1), px(3, 1)]).toEqual([3, 4]);
  });

  it("refuses a buffer of the wrong size and passes on errors", () => {
    expect(() => parseManifold({ grid: 2, width: 2, height: 2, buffer: 0 }, [new DataView(new ArrayBuffer(3))])).toThrow(/bytes/);
    expect(() => parseManifold({ error: "no decoder" }, [])).toThrow("no decoder");
    expect(MANIFOLD_GRID).toBeGreaterThan(1);
  });
});

describe("probe and preview responses", () => {
  const image = { kind: "image", width: 1, height: 1, buffer: 0 };
  const pixel = [new DataView(new Uint8Array([1, 2, 3, 4]).buffer)];

  it("parses a probe", () => {
    const probe = parseProbe({ x: 1.5, y: -2, exact: false, recon: image }, pixel);
    expect(probe).toMatchObject({ x: 1.5, y: -2, exact: false });
    expect(probe.recon?.kind).toBe("image");
    expect(() => parseProbe({ error: "outside" }, [])).toThrow(PreviewError);
  });

  it("reads a preview's fields for the hover card, leaving out malformed ones", () => {
    expect(parsePreview({ index: 3, recon: null, input: null, fields: [["label", "cat"], ["size", 3]] }, []).fields).toEqual([
      ["label", "cat"],
      ["size", "3"],
    ]);
    expect(parseFields([["a"], "b", ["c", "d"]])).toEqual([["c", "d"]]);
    expect(parseFields(undefined)).toEqual([]);
  });
});

describe("latest-only requests", () => {
  it("runs one at a time and only the newest of those waiting", async () => {
    const ran: number[] = [];
    const releases: (() => void)[] = [];
    const requests = new LatestOnly<number>(
      (key) =>
        new Promise<void>((resolve) => {
          ran.push(key);
          releases.push(resolve);
        }),
    );
    requests.want(1);
    requests.want(2);
    requests.want(3);
    expect(ran).toEqual([1]);
    expect(requests.isLatest(1)).toBe(false);
    releases[0]();
    await new Promise((r) => setTimeout(r, 0));
    expect(ran).toEqual([1, 3]);
    requests.want(null);
    requests.want(4);
    requests.want(null);
    releases[1]();
    await new Promise((r) => setTimeout(r, 0));
    expect(ran).toEqual([1, 3]);
  });
});

describe("small helpers", () => {
  it("spreads traversal frames from -span to +span", () => {
    expect(frameOffset(0, 9, 3)).toBe(-3);
    expect(frameOffset(4, 9, 3)).toBe(0);
    expect(frameOffset(8, 9, 3)).toBe(3);
    expect(formatOffset(1.5)).toBe("+1.5 σ");
    expect(formatOffset(-3)).toBe("−3 σ");
    expect(formatOffset(0)).toBe("±0 σ");
  });

  it("says how many neighbours the map agrees on", () => {
    expect(overlapText(7, 10)).toBe("7 of 10 also nearest on the map");
    expect(overlapText(-1, 10)).toBe("");
  });

  it("reads colour-bar ticks, clamped into 0..1", () => {
    expect(parseTicks([[0, "1"], [0.5, "10"], [1.2, "100"], ["x", "bad"], [0.3]])).toEqual([
      [0, "1"],
      [0.5, "10"],
      [1, "100"],
    ]);
    expect(parseTicks(null)).toEqual([]);
  });

  it("drops the ticks whose labels would collide, keeping both ends", () => {
    const ticks: [number, string][] = [
      [0, "0.471"],
      [0.12, "0.823"],
      [0.4, "1.18"],
      [0.75, "1.53"],
      [0.9, "1.7"],
      [1, "1.88"],
    ];
    // on 180 px: 0.823 would touch 0.471, 1.7 would touch 1.88
    expect(thinTicks(ticks, 180).map(([, label]) => label)).toEqual(["0.471", "1.18", "1.53", "1.88"]);
    expect(thinTicks([[0, "1"], [0.75, "1e+03"], [1, "1e+04"]], 180).map(([, l]) => l)).toEqual(["1", "1e+04"]);
    expect(thinTicks(ticks.slice(0, 2))).toEqual(ticks.slice(0, 2));
  });
});
