import { describe, expect, it } from "vitest";
import { viewMatrix } from "../src/map/canvas-camera";
import { heldCamera } from "../src/map/held-camera";
import { autoHeight, heightWithin, MIN_MAP_HEIGHT } from "../src/map/map-height";
import { toScreen } from "../src/map/points";
import { BOUNDS } from "../src/wire/contract";

describe("heldCamera", () => {
  it("keeps every point's offset from the map's centre through a resize", () => {
    const camera = { target: [0.2, -0.1] as [number, number], distance: 0.8 };
    const width = 600;
    for (const [before, after] of [
      [440, 640],
      [440, 300],
    ]) {
      const held = heldCamera(camera, before, after);
      expect(held.target).toEqual(camera.target);
      for (const [x, y] of [
        [0.9, 0.5],
        [-0.7, -0.6],
        [0.2, -0.1],
      ]) {
        const [ax, ay] = toScreen(viewMatrix(camera), width, before, x, y);
        const [bx, by] = toScreen(viewMatrix(held), width, after, x, y);
        expect(bx - width / 2).toBeCloseTo(ax - width / 2, 6);
        expect(by - after / 2).toBeCloseTo(ay - before / 2, 6);
      }
    }
  });

  it("leaves the camera alone for a size it cannot scale by", () => {
    const camera = { target: [0, 0] as [number, number], distance: 1 };
    expect(heldCamera(camera, 0, 300)).toBe(camera);
    expect(heldCamera(camera, 300, 300)).toBe(camera);
  });
});

describe("the map's height", () => {
  it("follows the width from 440 to 900 px", () => {
    expect(autoHeight(0)).toBe(440);
    expect(autoHeight(600)).toBe(440);
    expect(autoHeight(1000)).toBe(600);
    expect(autoHeight(3000)).toBe(900);
  });

  it("keeps what the person asks for within the trait's bounds and the least height drawn", () => {
    expect(heightWithin(12.4)).toBe(MIN_MAP_HEIGHT);
    expect(heightWithin(512.6)).toBe(513);
    expect(heightWithin(1e9)).toBe(BOUNDS.height[1]);
  });
});
