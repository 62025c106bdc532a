// Issue 19, item 13: a model restored from a notebook's saved widget state has no comm; the map
// says previews need the running kernel (tests/ui/test_reopened_without_kernel.py in a browser).
import { describe, expect, it } from "vitest";
import { commLive } from "../src/core/kernel";

/** What anywidget hands the widget: a proxy whose `get` reads the ipywidgets model's attributes. */
function proxy(attributes: Record<string, unknown>, manager: unknown) {
  return { get: (name: string) => attributes[name], widget_manager: manager };
}

describe("commLive", () => {
  const layout = {};
  const ours = { comm: {}, comm_live: true, get: (name: string) => (name === "layout" ? layout : null) };
  const other = { comm: {}, comm_live: true, get: () => ({}) };

  it("finds its model among the manager's by its layout, and reads the model's comm", async () => {
    const models = { a: Promise.resolve(other), b: Promise.resolve(ours) };
    expect(await commLive(proxy({ layout }, { _models: models }))).toBe(true);
    const restored = { ...ours, comm: undefined, comm_live: false };
    expect(await commLive(proxy({ layout }, { _models: { a: Promise.resolve(other), b: Promise.resolve(restored) } }))).toBe(false);
    const closed = { ...ours, comm_live: false };
    expect(await commLive(proxy({ layout }, { _models: { b: Promise.resolve(closed) } }))).toBe(false);
  });

  it("skips models that failed to load", async () => {
    const models = { a: Promise.reject(new Error("no class")), b: Promise.resolve({ ...ours, comm: undefined }) };
    expect(await commLive(proxy({ layout }, { _models: models }))).toBe(false);
  });

  it("is connected where the host does not list its models, or not this one", async () => {
    expect(await commLive(proxy({ layout }, undefined))).toBe(true);
    expect(await commLive(proxy({ layout }, {}))).toBe(true);
    expect(await commLive(proxy({}, { _models: { b: Promise.resolve({ ...ours, comm: undefined }) } }))).toBe(true);
    expect(await commLive(proxy({ layout }, { _models: { a: Promise.resolve(other) } }))).toBe(true);
  });
});
