import { describe, expect, it } from "vitest";
import { AHEAD, PointerTrail, pointsAhead } from "../src/map/ahead";

/** A map of points at screen positions, each picked within 3 px. */
function mapOf(points: [number, number][]) {
  let picks = 0;
  const pick = (sx: number, sy: number) => {
    picks += 1;
    return points.findIndex(([x, y]) => Math.hypot(sx - x, sy - y) <= 3);
  };
  return { pick, picks: () => picks };
}

describe("pointsAhead", () => {
  // 0 under the pointer at (100, 100); 1 and 2 ahead to the right, 3 behind, 4 far ahead
  const map = mapOf([
    [100, 100],
    [120, 101],
    [150, 110],
    [70, 100],
    [400, 100],
  ]);

  it("names the point under the pointer, then those ahead, nearest first", () => {
    // 0.5 px/ms to the right: 75 px ahead in 150 ms
    expect(pointsAhead(map.pick, 100, 100, 0.5, 0, 10)).toEqual([0, 1, 2]);
  });

  it("looks only as far as the pointer goes in a short while", () => {
    // 0.15 px/ms: 22 px ahead in 150 ms, short of point 2
    expect(pointsAhead(map.pick, 100, 100, 0.15, 0, 10)).toEqual([0, 1]);
    // never farther than maxPx, however fast
    expect(pointsAhead(map.pick, 100, 100, 50, 0, 10)).not.toContain(4);
  });

  it("looks round the pointer at rest, not behind it in motion", () => {
    const near = mapOf([[108, 100]]);
    expect(pointsAhead(near.pick, 100, 100, 0, 0, 10)).toEqual([0]);
    expect(pointsAhead(map.pick, 100, 100, 0.5, 0, 10)).not.toContain(3);
  });

  it("stops at the limit, and its picks are bounded", () => {
    expect(pointsAhead(map.pick, 100, 100, 0.5, 0, 2)).toEqual([0, 1]);
    expect(pointsAhead(map.pick, 100, 100, 0.5, 0, 0)).toEqual([]);
    const counted = mapOf([]);
    pointsAhead(counted.pick, 100, 100, 1e6, 1e6, 10);
    // across the cone along the whole path, and the ring: a fraction of a ms of index queries
    expect(counted.picks()).toBeLessThanOrEqual(200);
  });
});

describe("PointerTrail", () => {
  it("smooths the pointer's velocity and starts from rest after a pause", () => {
    const trail = new PointerTrail();
    expect(trail.move(0, 0, 0)).toEqual([0, 0]);
    expect(trail.move(10, 0, 10)).toEqual([0.5, 0]);
    expect(trail.move(20, 0, 20)).toEqual([0.75, 0]);
    // a pause longer than stillMs: the next move is a new start
    expect(trail.move(30, 0, 20 + AHEAD.stillMs + 1)).toEqual([0, 0]);
    trail.reset();
    expect(trail.move(40, 0, 500)).toEqual([0, 0]);
  });
});
