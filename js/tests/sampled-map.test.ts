import type { AnyModel } from "@anywidget/types";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { DrawnSet, pointHash, sampleIndices } from "../src/map/drawn-set";
import { legendSpec } from "../src/map/legend";
import { extentNormalisation, Sampling, shadeGrid } from "../src/map/sampled-map";
import { LIGHT_THEME } from "../src/map/theme";
import { parseViewPoints, ViewPointsLoader } from "../src/map/view-points";
import { encodeArray } from "../src/wire/codecs";
import type { ExplorerTraits } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";

/** Just enough of an element for the note and the root's dataset. */
beforeAll(() => {
  const element = () => ({ className: "", hidden: false, textContent: "", dataset: {} as Record<string, string>, setAttribute() {}, append() {} });
  (globalThis as { document?: unknown }).document = { createElement: element };
});

function modelOf(state: Partial<ExplorerTraits>) {
  return { get: (key: keyof ExplorerTraits) => state[key] } as unknown as AnyModel<ExplorerTraits>;
}

describe("pointHash", () => {
  it("gives the values of the kernel's lowbias32 (computed with Python integers)", () => {
    const indices = [0, 1, 2, 3, 1000, 65535, 2 ** 31, 2 ** 32 - 1, 9_999_999];
    const python = [0, 1753845952, 3507691905, 1408362973, 1407151442, 868931770, 3427483940, 1734902346, 2178123704];
    expect(indices.map(pointHash)).toEqual(python);
  });

  it("samples the same points as the kernel", () => {
    // 20,000 points for 1,000 drawn: Python's threshold int(1000 / 20000 * 2**32) keeps 1,055.
    const sample = sampleIndices(20_000, 214748364);
    expect(sample.length).toBe(1055);
    expect(Array.from(sample.subarray(0, 8))).toEqual([0, 11, 18, 25, 33, 50, 62, 77]);
    expect(sample.every((v, i) => i === 0 || v > sample[i - 1])).toBe(true);
  });

  it("grows its buffer past an unlucky count", () => {
    expect(sampleIndices(50, 2 ** 32 - 1).length).toBe(50);
  });
});

describe("DrawnSet", () => {
  const set = new DrawnSet(100, Uint32Array.of(3, 10, 50), Uint32Array.of(4, 60, 99));

  it("maps drawn positions to points and back", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((d) => set.toIndex(d))).toEqual([3, 10, 50, 4, 60, 99, -1]);
    expect([3, 10, 50, 4, 60, 99, 5, -1, 100].map((i) => set.toDrawn(i))).toEqual([0, 1, 2, 3, 4, 5, -1, -1, -1]);
    expect(set.size).toBe(6);
    expect(set.sampled).toBe(true);
  });

  it("finds the drawn ones among many indices, sorted or not", () => {
    expect(set.drawnOf([1, 3, 4, 5, 50, 99])).toEqual([0, 3, 2, 5]);
    expect(set.drawnOf([99, 3, 60])).toEqual([5, 0, 4]);
    expect(set.indicesOf([5, 0, 9])).toEqual([99, 3]);
  });

  it("is the identity when every point is drawn", () => {
    const all = new DrawnSet(5);
    expect(all.sampled).toBe(false);
    expect(all.drawnOf([4, 7, 0])).toEqual([4, 0]);
    expect(all.toIndex(4)).toBe(4);
    expect(all.toDrawn(5)).toBe(-1);
  });
});

describe("Sampling", () => {
  it("reads the sample from the traits and refuses one of another size", () => {
    const sampling = new Sampling(modelOf({ _n_points: 20_000, _draw_threshold: 214748364 }));
    sampling.update(1055);
    expect(sampling.sampled).toBe(true);
    expect(sampling.drawn().toIndex(1)).toBe(11);
    const wrong = new Sampling(modelOf({ _n_points: 20_000, _draw_threshold: 214748364 }));
    expect(() => wrong.update(1000)).toThrow(/1000 rows/);
    expect(wrong.sampled).toBe(false);
  });

  it("draws every point without a threshold, and says nothing", () => {
    const sampling = new Sampling(modelOf({ _n_points: 10, _draw_threshold: 0 }));
    sampling.update(10);
    const root = document.createElement("div") as HTMLElement;
    sampling.report(root, 10);
    expect(sampling.sampled).toBe(false);
    expect(root.dataset.sampled).toBe("0");
    expect(sampling.note.hidden).toBe(true);
  });

  it("says how many of all points are drawn", () => {
    const sampling = new Sampling(modelOf({ _n_points: 20_000, _draw_threshold: 214748364, _extent: [0, 4, 0, 2] }));
    sampling.update(1055);
    const root = document.createElement("div") as HTMLElement;
    sampling.report(root, 1055);
    expect(sampling.note.hidden).toBe(false);
    expect(sampling.note.textContent).toContain("Drawing 1,055 of 20,000 points");
    expect(root.dataset).toMatchObject({ total: "20000", sampled: "1", viewPoints: "0" });
    expect(sampling.normalisation()).toMatchObject({ cx: 2, cy: 1, scale: 2 });
    sampling.setView({ indices: Uint32Array.of(1, 2), xy: new Float32Array(4), colors: null, count: 2, complete: true });
    sampling.report(root, 1057);
    expect(sampling.note.textContent).toContain("All points in view drawn");
    expect(root.dataset.viewPoints).toBe("2");
  });
});

describe("density", () => {
  it("frames the extent as the points' normalisation does", () => {
    expect(extentNormalisation([-2, 2, 0, 1])).toMatchObject({ cx: 0, cy: 0.5, scale: 2, halfWidth: 1, halfHeight: 0.25 });
    expect(extentNormalisation([])).toBeNull();
  });

  it("leaves empty cells the background and inks denser cells darker", () => {
    const rgba = shadeGrid(Uint8Array.of(0, 1, 128, 255), 2, LIGHT_THEME);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([255, 255, 255, 255]);
    const red = [rgba[4], rgba[8], rgba[12]];
    expect(red[0]).toBeGreaterThan(red[1]);
    expect(red[1]).toBeGreaterThan(red[2]);
  });
});

describe("parseViewPoints", () => {
  const buffers = (indices: number[], packed: number[], colors: number[]) =>
    [Uint32Array.from(indices), Uint16Array.from(packed), Uint8Array.from(colors)].map((a) => new DataView(a.buffer));

  it("turns box-relative uint16 positions back into map coordinates", () => {
    const response = { count: 5, sent: 2, box: [10, 20, -1, 1], complete: false };
    const points = parseViewPoints(response, buffers([7, 9], [0, 65535, 65535, 0], [3, 4]), "uint8");
    expect(Array.from(points.indices)).toEqual([7, 9]);
    expect(Array.from(points.xy)).toEqual([10, 1, 20, -1]);
    expect(Array.from(points.colors ?? [])).toEqual([3, 4]);
    expect(points.complete).toBe(false);
  });

  it("refuses an error or a buffer of the wrong size", () => {
    expect(() => parseViewPoints({ error: "limit must be a positive int" }, [], null)).toThrow(/limit/);
    expect(() => parseViewPoints({ sent: 2, box: [0, 1, 0, 1] }, buffers([7], [0, 0], []), null)).toThrow(/bytes/);
  });

  it("decodes from any offset", () => {
    const bytes = new Uint8Array(1 + 4 + 4);
    new DataView(bytes.buffer).setUint32(1, 42, true);
    const response = { count: 1, sent: 1, box: [0, 1, 0, 1], complete: true };
    const points = parseViewPoints(response, [new DataView(bytes.buffer, 1, 4), new DataView(bytes.buffer, 5, 4)], null);
    expect(points.indices[0]).toBe(42);
    expect(points.colors).toBeNull();
  });
});


describe("the legend of a sampled map", () => {
  const state: Partial<ExplorerTraits> = {
    _color_kind: "categorical",
    _color_categories: ["a", "b", "c"],
    _colors: encodeArray(Uint8Array.of(0, 1, 1)),
  };

  it("counts the drawn points when the kernel sends no counts", () => {
    expect(legendSpec(modelOf({ ...state, _color_counts: [] })).counts).toEqual([1, 2, 0]);
  });

  it("shows the kernel's counts of all points when it sends them", () => {
    expect(legendSpec(modelOf({ ...state, _color_counts: [700, 2000] })).counts).toEqual([700, 2000, 0]);
  });
});

describe("ViewPointsLoader", () => {
  function setup(room = 1000) {
    const asked: unknown[] = [];
    const shown: unknown[] = [];
    const region = { x0: 0, x1: 1, y0: 0, y1: 1 };
    const invoke = (async (_name: string, msg: unknown) => {
      asked.push(msg);
      return [{ count: 0, sent: 0, box: [0, 1, 0, 1], complete: true }, [new DataView(new ArrayBuffer(0)), new DataView(new ArrayBuffer(0))]];
    }) as unknown as Invoke;
    const model = modelOf({ max_drawn: 10_000, _color_kind: "none" });
    const loader = new ViewPointsLoader(invoke, model, {
      sampled: () => true,
      region: () => region,
      room: () => room,
      show: (points) => shown.push(points),
      fail: () => undefined,
    });
    return { asked, shown, loader, region };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("asks for the view's points with the room left, once per view", async () => {
    const { asked, shown, loader, region } = setup();
    loader.request();
    await settle();
    expect(asked).toEqual([{ ...region, limit: 1000 }]);
    expect(shown).toHaveLength(1);
    vi.useFakeTimers();
    loader.viewChanged();
    vi.advanceTimersByTime(250);
    vi.useRealTimers();
    await settle();
    expect(asked).toHaveLength(1); // the camera came back to the same view
    loader.request(); // new points: ask again
    await settle();
    expect(asked).toHaveLength(2);
  });

  it("asks nothing when the sample fills the view", async () => {
    const { asked, shown, loader } = setup(100);
    loader.request();
    await settle();
    expect(asked).toEqual([]);
    expect(shown).toEqual([null]);
  });
});
