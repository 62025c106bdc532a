// Issue 20: the pure parts of tags and undo keys, the camera sync, the drop check, the sketch's
// throttle and ink, and the thumbnails' choice of points (the browser tests cover the rest).
import { describe, expect, it, vi } from "vitest";
import { sameRegion } from "../src/map/camera-sync";
import { normalisePoints } from "../src/map/points";
import { MAX_THUMBNAILS, pointsInView, thumbnailSide } from "../src/map/thumbnails";
import { inkOf, Throttle } from "../src/panels/sketch";
import { dropProblem, MAX_DROP_BYTES } from "../src/ui/drop";
import { undoKeyCommand } from "../src/ui/undo-keys";

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe("undoKeyCommand", () => {
  it("reads Ctrl/Cmd+Z as undo, with Shift (or Ctrl+Y) as redo", () => {
    expect(undoKeyCommand(key("z", { ctrlKey: true }))).toBe("undo");
    expect(undoKeyCommand(key("z", { metaKey: true }))).toBe("undo");
    expect(undoKeyCommand(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(undoKeyCommand(key("y", { ctrlKey: true }))).toBe("redo");
  });
  it("leaves other keys alone", () => {
    expect(undoKeyCommand(key("z"))).toBeNull();
    expect(undoKeyCommand(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
    expect(undoKeyCommand(key("c", { ctrlKey: true }))).toBeNull();
  });
});

describe("sameRegion", () => {
  it("is the same within a thousandth of the region's size", () => {
    expect(sameRegion([0, 10, 0, 5], [0.005, 10, 0, 5])).toBe(true);
    expect(sameRegion([0, 10, 0, 5], [0.5, 10, 0, 5])).toBe(false);
    expect(sameRegion([], [])).toBe(true);
    expect(sameRegion([0, 1, 0, 1], [])).toBe(false);
  });
});

describe("dropProblem", () => {
  it("takes images up to 10 MB and names what it refuses", () => {
    expect(dropProblem({ name: "a.png", size: 100, type: "image/png" })).toBeNull();
    expect(dropProblem({ name: "a.JPG", size: 100, type: "" })).toBeNull();
    expect(dropProblem({ name: "notes.txt", size: 10, type: "text/plain" })).toMatch(/notes\.txt is not an image/);
    expect(dropProblem({ name: "big.png", size: MAX_DROP_BYTES + 1, type: "image/png" })).toMatch(/10 MB/);
  });
});

describe("Throttle", () => {
  it("sends at most once an interval, one at a time, the latest value winning", async () => {
    vi.useFakeTimers();
    let now = 0;
    const sent: number[] = [];
    let finish: () => void = () => {};
    const throttle = new Throttle<number>(
      (value) => {
        sent.push(value);
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      100,
      () => now,
    );
    throttle.push(1);
    throttle.push(2);
    throttle.push(3);
    expect(sent).toEqual([1]); // one in flight; 2 was replaced by 3
    now = 30;
    finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual([1]); // not before 100 ms
    now = 100;
    vi.advanceTimersByTime(70);
    expect(sent).toEqual([1, 3]);
    vi.useRealTimers();
  });
});

describe("inkOf", () => {
  it("reads the red channel of white-on-black pixels as ink", () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255, 51, 51, 51, 255]);
    const ink = Array.from(inkOf(rgba));
    expect(ink.slice(0, 2)).toEqual([1, 0]);
    expect(ink[2]).toBeCloseTo(0.2, 6);
  });
});

describe("thumbnails", () => {
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  it("lists the drawn points in view, or none when more than the limit are", () => {
    const points = normalisePoints([-1, -1, 0, 0, 1, 1, 0.5, -0.5]);
    const all = pointsInView(points, identity, 100, 100, MAX_THUMBNAILS, (d) => d * 10);
    expect(all?.map(([index]) => index)).toEqual([0, 10, 20, 30]);
    expect(pointsInView(points, identity, 100, 100, 3, (d) => d)).toBeNull();
  });
  it("sizes pictures by the nearest neighbour's distance and the room, within 16 to 96 px", () => {
    const grid = (step: number, n: number) => Array.from({ length: n }, (_, i) => [i, (i % 10) * step, Math.floor(i / 10) * step] as const);
    expect(thumbnailSide(grid(40, 20), 600, 400)).toBe(37); // 0.92 x 40 apart
    expect(thumbnailSide(grid(200, 4), 600, 400)).toBe(96); // far apart: the most
    expect(thumbnailSide(grid(5, 100), 600, 400)).toBe(16); // crowded: the least
    expect(thumbnailSide([[0, 10, 10]], 600, 400)).toBe(96);
  });
});
