import type { AnyModel } from "@anywidget/types";
import { describe, expect, it, vi } from "vitest";
import { Selection } from "../src/core/selection";
import { encodeArray } from "../src/wire/codecs";
import type { ExplorerTraits } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";

/** A model that keeps what is set and notes every save, with whether it came while echoing. */
function setup(sampled = false, reply: object = { count: 1 }) {
  const state: Partial<ExplorerTraits> = {};
  const asked: [string, unknown][] = [];
  const failures: string[] = [];
  const invoke = (async (name: string, msg: unknown) => {
    asked.push([name, msg]);
    return [reply, []];
  }) as unknown as Invoke;
  const saves: { echoing: boolean; selection: number[] }[] = [];
  const shown: number[][] = [];
  const counts: number[] = [];
  const model = {
    get: (key: keyof ExplorerTraits) => state[key],
    set: (key: keyof ExplorerTraits, value: never) => {
      state[key] = value;
    },
    save_changes: () => {
      const view = state._selection?.view;
      const indices = view ? Array.from(new Uint32Array(view.buffer, view.byteOffset, view.byteLength / 4)) : [];
      saves.push({ echoing: selection.echoing, selection: indices });
    },
  } as unknown as AnyModel<ExplorerTraits>;
  const selection = new Selection(model, invoke, (message) => failures.push(message));
  selection.toShow.on((indices) => shown.push([...indices]));
  selection.changed.on((indices) => counts.push(indices.length));
  return { state, saves, shown, counts, selection, asked, failures, sampled };
}

describe("Selection", () => {
  it("sends a map selection to Python once, marked as our own echo", () => {
    const { saves, shown, counts, selection } = setup();
    selection.fromMap([3, 1]);
    selection.fromMap([3, 1]);
    expect(saves).toEqual([{ echoing: true, selection: [3, 1] }]);
    expect(selection.echoing).toBe(false);
    expect(shown).toEqual([]);
    expect(counts).toEqual([2]);
  });

  it("shows a selection set from Python without sending it back", () => {
    const { state, saves, shown, counts, selection } = setup();
    state._selection = encodeArray(Uint32Array.from([5, 6]));
    selection.fromModel();
    selection.fromModel();
    expect(selection.indices).toEqual([5, 6]);
    expect(shown).toEqual([[5, 6]]);
    expect(counts).toEqual([2]);
    expect(saves).toEqual([]);
  });

  it("selects a category, or adds it to the selection", () => {
    const { selection } = setup();
    const codes = [0, 1, 0, 2, 1];
    selection.selectCategory(codes, 0, false, false);
    expect(selection.indices).toEqual([0, 2]);
    selection.selectCategory(codes, 1, true, false);
    expect(selection.indices).toEqual([0, 2, 1, 4]);
    selection.selectCategory(codes, 2, false, false);
    expect(selection.indices).toEqual([3]);
  });

  it("on a sampled map asks the kernel to select a category among all points", async () => {
    const { saves, asked, selection, sampled } = setup(true);
    selection.selectCategory(Uint8Array.of(0, 1, 1), 1, true, sampled);
    await Promise.resolve();
    expect(asked).toEqual([["select_category", { code: 1, merge: true }]]);
    expect(saves).toEqual([]);
  });

  it("sends a lasso's polygon on, to be merged with what the map selected", async () => {
    const { asked, selection } = setup(true);
    selection.selectRegion([0, 0, 1, 0, 1, 1]);
    await Promise.resolve();
    expect(asked).toEqual([["select_region", { polygon: [0, 0, 1, 0, 1, 1], merge: true }]]);
  });

  it("shows the kernel's refusal", async () => {
    const { failures, selection } = setup(true, { error: "polygon needs at least 3 vertices" });
    selection.selectRegion([0, 0]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual(["selection: polygon needs at least 3 vertices"]);
  });

  it("goes back to the selection before a lasso the kernel refuses", async () => {
    const { failures, saves, selection, state } = setup(true, { error: "polygon is too tangled" });
    selection.fromMap([1, 2]);
    selection.fromMap([6, 4, 5]); // the drawn points a scribble holds, picked by the map
    selection.selectRegion([0, 0, 1, 0, 1, 1]);
    state._selection = encodeArray(Uint32Array.from([4, 5, 6])); // Python's echo, sorted
    selection.fromModel();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual(["selection: polygon is too tangled"]);
    expect(selection.indices).toEqual([1, 2]);
    expect(saves.at(-1)?.selection).toEqual([1, 2]);
  });

  it("does not undo a pick older than the refused lasso (a click before it was drawn)", async () => {
    const { selection } = setup(true, { error: "polygon is too tangled" });
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now);
    selection.fromMap([1, 2]);
    selection.fromMap([]); // a click on nothing deselects
    clock.mockReturnValue(now + 5_000); // the scribble held no drawn point: no pick of its own
    selection.selectRegion([0, 0, 1, 0, 1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock.mockRestore();
    expect(selection.indices).toEqual([]);
  });

  it("keeps a selection made while a refused lasso was on its way", async () => {
    const { selection } = setup(true, { error: "polygon is too tangled" });
    selection.fromMap([1, 2]);
    selection.fromMap([4, 5]);
    selection.selectRegion([0, 0, 1, 0, 1, 1]);
    selection.fromMap([7]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(selection.indices).toEqual([7]);
  });
});
