import { describe, expect, it } from "vitest";
import { buildSpatialIndex, HoverPicker, nearestPoint, pickable, pickRadius, pixelsPerUnit, pointSizeOnScreen } from "../src/map/pick";
import { toScreen } from "../src/map/points";

/** regl-scatterplot's view matrix of a camera at `target`, distance `d` (column-major). */
function viewOf(tx: number, ty: number, d: number): number[] {
  return [1 / d, 0, 0, 0, 0, 1 / d, 0, 0, 0, 0, 1, 0, -tx / d, -ty / d, 0, 1];
}

function points(xy: number[][]) {
  const x = Float32Array.from(xy.map((p) => p[0]));
  const y = Float32Array.from(xy.map((p) => p[1]));
  return pickable(buildSpatialIndex(x, y), x, y);
}

describe("nearestPoint", () => {
  const p = points([
    [0, 0],
    [0.1, 0],
    [-0.5, 0.5],
    [0.5, -0.5],
  ]);
  const W = 400;
  const H = 200;

  it("finds the point drawn under the cursor through the camera", () => {
    const view = viewOf(0, 0, 1);
    for (let i = 0; i < 4; i++) {
      const [sx, sy] = toScreen(view, W, H, p.x[i], p.y[i]);
      expect(nearestPoint(p, view, W, H, sx + 1, sy - 1, 4)).toBe(i);
    }
  });

  it("picks the nearest of several within the radius", () => {
    const view = viewOf(0, 0, 1);
    // 100 px per unit: points 0 and 1 are 10 px apart; 3 px right of point 0 is nearer to it.
    const [sx, sy] = toScreen(view, W, H, 0, 0);
    expect(nearestPoint(p, view, W, H, sx + 3, sy, 20)).toBe(0);
    expect(nearestPoint(p, view, W, H, sx + 7, sy, 20)).toBe(1);
  });

  it("converts the radius in pixels through the zoom", () => {
    const [sx0, sy0] = toScreen(viewOf(0, 0, 1), W, H, 0, 0);
    // 6 px off at 100 px/unit is 0.06 units: outside a 5 px radius.
    expect(nearestPoint(p, viewOf(0, 0, 1), W, H, sx0, sy0 - 6, 5)).toBe(-1);
    // Zoomed out ten times, the same 0.06 units are 0.6 px: inside.
    const far = viewOf(0, 0, 10);
    const [sx, sy] = toScreen(far, W, H, 0, 0.06);
    expect(nearestPoint(p, far, W, H, sx, sy, 5)).toBe(0);
  });

  it("follows a panned camera", () => {
    const view = viewOf(0.5, -0.5, 0.25);
    // The camera centres point 3: it is drawn in the middle of the canvas.
    expect(nearestPoint(p, view, W, H, W / 2, H / 2, 3)).toBe(3);
    expect(nearestPoint(p, view, W, H, 10, 10, 3)).toBe(-1);
  });

  it("finds nothing in empty space", () => {
    const view = viewOf(0, 0, 1);
    const [sx, sy] = toScreen(view, W, H, 0.3, 0.3);
    expect(nearestPoint(p, view, W, H, sx, sy, 5)).toBe(-1);
  });
});

describe("point sizes", () => {
  it("follow regl-scatterplot's asinh law", () => {
    expect(pointSizeOnScreen(6, 1)).toBeCloseTo(6);
    expect(pointSizeOnScreen(6, 0.5)).toBeCloseTo(3);
    expect(pointSizeOnScreen(6, 0.01)).toBeCloseTo(1);
    expect(pointSizeOnScreen(6, 10)).toBeCloseTo((6 * Math.asinh(10)) / Math.asinh(1));
  });

  it("give a pick radius of at least a few pixels", () => {
    expect(pickRadius(1.5)).toBe(3);
    expect(pickRadius(10)).toBe(10);
  });

  it("pixels per unit", () => {
    expect(pixelsPerUnit(viewOf(0, 0, 2), 200)).toBeCloseTo(50);
  });
});

describe("HoverPicker", () => {
  function setup() {
    const handlers: Record<string, (event: unknown) => void> = {};
    const mapBox = {
      addEventListener: (type: string, handler: (event: unknown) => void) => {
        handlers[type] = handler;
      },
      removeEventListener: () => undefined,
    } as unknown as HTMLElement;
    const canvas = { getBoundingClientRect: () => ({ left: 10, top: 20 }) };
    const highlighted: number[] = [];
    // point 7 at (5, 5) in the canvas, point 8 at (45, 5)
    const pick = (sx: number, sy: number) => (Math.hypot(sx - 5, sy - 5) <= 3 ? 7 : Math.hypot(sx - 45, sy - 5) <= 3 ? 8 : -1);
    const surface = { canvas, pick, hover: (i: number) => highlighted.push(i) };
    const reported: number[] = [];
    const ahead: number[][] = [];
    // drawn point d is point 100 + d
    const picker = new HoverPicker(
      mapBox,
      () => surface as never,
      (i) => reported.push(i),
      (drawn) => drawn.map((d) => 100 + d),
    );
    picker.ahead.on((indices) => ahead.push(indices));
    const move = (x: number, y: number, target: unknown = canvas, buttons = 0, timeStamp = 0) => handlers.pointermove({ clientX: x, clientY: y, target, buttons, timeStamp });
    return { picker, handlers, move, reported, highlighted, ahead };
  }

  it("reports the point in the event itself and never redraws the map for it", () => {
    const { move, reported, highlighted } = setup();
    move(15, 25);
    expect(reported).toEqual([7]);
    move(15, 25);
    // the overlay rings the hovered point: a redraw of every point would hold up its preview
    expect(highlighted).toEqual([]);
  });

  it("names the points the pointer heads for, from its own moves", () => {
    const { move, ahead } = setup();
    // at rest between the points: nothing ahead, nothing round it
    move(35, 25, undefined, 0, 0);
    expect(ahead.at(-1)).toEqual([]);
    // heading right at 0.2 px/ms (smoothed: 0.1, then 0.15): 22 px ahead reaches point 8 at x = 45
    move(37, 25, undefined, 0, 10);
    move(39, 25, undefined, 0, 20);
    expect(ahead.at(-1)).toEqual([108]);
  });

  it("ignores drags, and reports none off the canvas or on leaving", () => {
    const { move, handlers, reported } = setup();
    move(15, 25, undefined, 1);
    expect(reported).toEqual([]);
    move(15, 25, { other: true });
    handlers.pointerleave({});
    expect(reported).toEqual([-1, -1]);
  });
});
