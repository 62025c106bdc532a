// Issue 19: the map's marks, hover and live-layout label (pure parts; the browser tests in
// tests/ui/test_marks_follow_state.py, test_hover_mark.py and test_lasso_anchor.py cover the rest).
import { describe, expect, it } from "vitest";
import { kernelLive } from "../src/core/kernel";
import { settledProjection } from "../src/map/live-layout";
import { MIN_TILE, manifoldGrid, TILE_GAP, tileRect } from "../src/map/manifold";
import { CAMERA_MS, GLIDE_MS } from "../src/map/motion";
import { countMarks, type OverlayState } from "../src/map/overlay";
import { pathFrame } from "../src/map/path-frame";

const EMPTY: OverlayState = {
  path: null,
  frame: 0,
  a: null,
  b: null,
  pinned: null,
  rings: null,
  traverse: null,
  traverseFrame: 0,
  samples: null,
  located: null,
  sketch: null,
  highlight: null,
  hover: null,
};

describe("countMarks", () => {
  it("counts nothing on an empty overlay, hover included", () => {
    expect(countMarks(EMPTY)).toBe(0);
    expect(countMarks({ ...EMPTY, hover: { at: [0, 0], color: "#000", size: 6 } })).toBe(0);
  });

  it("counts each ring, sample and marker, and each path once", () => {
    const rings = Float32Array.of(0, 0, 0.5, 0.5, Number.NaN, Number.NaN);
    const path = Float32Array.of(0, 0, 1, 1, 2, 2);
    const state = { ...EMPTY, rings, pinned: [0, 0] as [number, number], traverse: path, samples: Float32Array.of(1, 1) };
    expect(countMarks(state)).toBe(2 + 1 + 1 + 1);
  });

  it("counts a path of one point as no path", () => {
    expect(countMarks({ ...EMPTY, path: Float32Array.of(0, 0) })).toBe(0);
  });
});

describe("settledProjection", () => {
  it("names the ended layout at once", () => {
    expect(settledProjection("tsne (running)", "tsne")).toBe("tsne");
  });

  it("keeps what is drawn otherwise", () => {
    expect(settledProjection("tsne (running)", "tsne (running)")).toBe("tsne (running)");
    expect(settledProjection("pca", "tsne")).toBe("pca");
    expect(settledProjection("tsne (running)", "umap (running)")).toBe("tsne (running)");
  });
});

describe("motion", () => {
  it("glides and frames a projection switch within 500 ms, with room for the kernel's answer", () => {
    expect(GLIDE_MS + CAMERA_MS).toBeLessThanOrEqual(450);
  });
});

describe("pathFrame", () => {
  const I = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

  it("leaves a path in view alone", () => {
    expect(pathFrame([0, 0, 0.5, 0.5], I, 200, 200)).toBeNull();
  });

  it("zooms out to the path and what is in view", () => {
    const box = pathFrame([0, 0, 2, 0], I, 200, 200);
    expect(box).not.toBeNull();
    if (!box) return;
    expect(box.x - box.halfWidth).toBeLessThanOrEqual(-1);
    expect(box.x + box.halfWidth).toBeGreaterThanOrEqual(2);
    expect(box.halfHeight).toBeGreaterThanOrEqual(1);
  });
});

describe("kernelLive", () => {
  it("is live where the host does not say", () => {
    expect(kernelLive({})).toBe(true);
    expect(kernelLive({ widget_manager: {} })).toBe(true);
  });

  it("is not live where JupyterLab's manager has no kernel or a dead one", () => {
    expect(kernelLive({ widget_manager: { kernel: null } })).toBe(false);
    expect(kernelLive({ widget_manager: { kernel: { status: "dead" } } })).toBe(false);
    expect(kernelLive({ widget_manager: { kernel: { status: "idle" } } })).toBe(true);
  });
});

describe("manifold grid", () => {
  it("asks for as many tiles as fit, at least MIN_TILE px each, within the contract's limits", () => {
    expect(manifoldGrid(662, 440)).toBe(10);
    expect(manifoldGrid(1800, 1080)).toBe(24);
    expect(manifoldGrid(50, 50)).toBe(2);
    expect(manifoldGrid(10_000, 10_000)).toBe(32);
  });

  it("keeps each tile's aspect, with a gap, centred in its cell", () => {
    const [x, y, w, h] = tileRect([0, 0, 660, 440], 10, 1, 2, 8, 8);
    expect(w).toBe(h);
    expect(w).toBe(44 - TILE_GAP);
    expect(x).toBeCloseTo(2 * 66 + (66 - w) / 2);
    expect(y).toBeCloseTo(44 + TILE_GAP / 2);
    expect(w).toBeGreaterThanOrEqual(MIN_TILE);
  });
});
