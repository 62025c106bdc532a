import { beforeAll, describe, expect, it, vi } from "vitest";

// regl-scatterplot needs WebGL; this stand-in behaves like its `select` where it matters here:
// it keeps the array it is given and splices out indices beyond the points it holds.
const plots: FakePlot[] = [];

class FakePlot {
  numPoints = 0;
  selected: number[] = [];
  sets: Record<string, unknown>[] = [];
  select(indices: number[]): void {
    this.selected = indices;
    for (let i = indices.length - 1; i >= 0; i--) if (indices[i] >= this.numPoints) indices.splice(i, 1);
  }
  deselect(): void {
    this.selected = [];
  }
  subscribe(): void {}
  set(properties: Record<string, unknown>): void {
    this.sets.push(properties);
  }
  destroy(): void {}
}

vi.mock("regl-scatterplot", () => ({
  default: () => {
    const plot = new FakePlot();
    plots.push(plot);
    return plot;
  },
  createRenderer: () => ({ isDestroyed: false, destroy() {}, resize() {}, refresh() {} }),
}));

beforeAll(() => {
  const element = () => ({ className: "", remove() {} });
  (globalThis as { document?: unknown }).document = { createElement: element };
});

function container() {
  return { append() {}, addEventListener() {}, removeEventListener() {}, getBoundingClientRect: () => ({ width: 200, height: 100 }) } as unknown as HTMLElement;
}

describe("WebglMap.select", () => {
  it("leaves the caller's indices alone when the map holds fewer points", async () => {
    const { WebglMap } = await import("../src/map/webgl-map");
    const view = new WebglMap(container(), { onSelect() {}, onView() {} });
    const indices = [3, 7, 11];
    view.select(indices);
    expect(indices).toEqual([3, 7, 11]);
    expect(plots.at(-1)?.selected).toEqual([]);
    view.select([]);
    expect(plots.at(-1)?.selected).toEqual([]);
  });
});

describe("WebglMap.setStyle", () => {
  it("sets the size and opacity once: a set that changes nothing would redraw every point", async () => {
    const { WebglMap } = await import("../src/map/webgl-map");
    const view = new WebglMap(container(), { onSelect() {}, onView() {} });
    const plot = plots.at(-1) as FakePlot;
    const styles = () => plot.sets.filter((p) => "pointSize" in p);
    view.setStyle(1.5, 0.3);
    view.setStyle(1.5, 0.3);
    expect(styles()).toEqual([{ pointSize: 1.5, opacity: 0.3 }]);
    view.setStyle(1.5, 0.5);
    view.setStyle(6, 0.5);
    expect(styles()).toEqual([
      { pointSize: 1.5, opacity: 0.3 },
      { pointSize: 1.5, opacity: 0.5 },
      { pointSize: 6, opacity: 0.5 },
    ]);
  });
});
