// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { Previews } from "../src/core/previews";
import { partsOf, Router, type View } from "../src/core/router";
import { Signal } from "../src/core/signal";
import { PanelLayout, readPanels, withPanel } from "../src/panels/layout";
import type { FrameKey, Panel, PanelContext, PanelName, PickTarget } from "../src/panels/panel";
import { PANEL_TYPES } from "../src/panels/registry";
import { type ExplorerTraits, PANELS, type Part, TRAIT_PARTS } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";
import type { Model } from "../src/wire/traits";
import { fakeModel } from "./fake-model";

function context(model: Model): PanelContext {
  const invoke = (async () => [{}, []]) as unknown as Invoke;
  return {
    model,
    invoke,
    previews: new Previews(model, invoke, () => null),
    marks: { set: vi.fn(), setFrame: vi.fn(), setTraverseFrame: vi.fn() },
    selection: { indices: [], changed: new Signal<readonly number[]>() },
    picking: { target: null, toggle: vi.fn(), armed: new Signal<PickTarget | null>() },
    frameKeys: new Signal<FrameKey>(),
    report: vi.fn(),
  };
}

/** The registered panels, with `apply` watched (and not run: these tests are about routing). */
function registeredPanels(model: Model): Panel[] {
  const ctx = context(model);
  const panels = PANEL_TYPES.map((create) => create(ctx));
  for (const panel of panels) vi.spyOn(panel, "apply").mockImplementation(() => undefined);
  return panels;
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/** The names of the panels applied when `traits` change together. */
async function appliedOn(traits: (keyof ExplorerTraits)[]): Promise<string[]> {
  const { model, fromPython } = fakeModel();
  const panels = registeredPanels(model);
  const router = new Router(model, { views: () => panels, accept: () => true, fail: (_, error) => { throw error; } });
  fromPython(Object.fromEntries(traits.map((t) => [t, null])) as Partial<ExplorerTraits>);
  await tick();
  router.destroy();
  return panels.filter((p) => vi.mocked(p.apply).mock.calls.length > 0).map((p) => p.name);
}

describe("the panel registry", () => {
  it("registers one panel per PANELS entry, in layout order", () => {
    const names = registeredPanels(fakeModel().model).map((p) => p.name);
    expect(names).toEqual([...PANELS]);
  });

  it("lists only parts the contract routes", () => {
    const known = new Set(Object.values(TRAIT_PARTS).flat());
    for (const panel of registeredPanels(fakeModel().model)) {
      for (const part of panel.parts) expect(known.has(part), `${panel.name}: ${part}`).toBe(true);
    }
  });
});

describe("routing trait changes to panels", () => {
  it.each([
    [["_neighbours"], ["neighbours"]],
    [["pinned"], ["neighbours"]],
    [["_frames"], ["interpolation"]],
    [["interp_a", "interp_steps"], ["interpolation"]],
    [["_samples", "_sample_points"], ["samples"]],
    [["_worst"], ["worst"]],
    [["_traverse_frames"], ["traverse"]],
    [["color_by"], ["traverse", "samples"]],
    [["_has_decoder"], ["interpolation", "neighbours", "traverse", "samples"]],
    [["_points", "point_size", "panels"], []],
  ] as [(keyof ExplorerTraits)[], string[]][])("%j applies %j", async (traits, expected) => {
    expect(await appliedOn(traits)).toEqual(expected);
  });

  it("applies exactly the panels whose parts a trait's change touches, for every trait", async () => {
    const names = registeredPanels(fakeModel().model).map((p) => ({ name: p.name, parts: p.parts }));
    for (const trait of Object.keys(TRAIT_PARTS) as (keyof ExplorerTraits)[]) {
      const touched = partsOf([trait]);
      const expected = names.filter((p) => p.parts.some((part) => touched.has(part))).map((p) => p.name);
      expect(await appliedOn([trait]), trait).toEqual(expected);
    }
  }, 30_000); // a widget with every panel per trait: seconds on a loaded 2-core machine

  it("applies a view once per batch, with the parts of all the traits set together", async () => {
    const { model, fromPython } = fakeModel();
    const seen: Part[][] = [];
    const view: View = { parts: ["interp", "frames", "samples"], apply: (changed) => seen.push([...changed].sort()) };
    const router = new Router(model, { views: () => [view], accept: () => true, fail: vi.fn() });
    fromPython({ interp_a: 3, _frames: null, point_size: 2 });
    await tick();
    expect(seen).toEqual([["frames", "interp"]]);
    router.destroy();
  });

  it("leaves out changes the core does not accept, and goes on after a view fails", async () => {
    const { model, fromPython } = fakeModel();
    const fail = vi.fn();
    const broken: View = { parts: ["pinned"], apply: () => { throw new Error("boom"); } };
    const after: View = { parts: ["pinned", "selection"], apply: vi.fn() };
    const router = new Router(model, { views: () => [broken, after], accept: (trait) => trait !== "_selection", fail });
    fromPython({ _selection: null });
    await tick();
    expect(after.apply).not.toHaveBeenCalled();
    fromPython({ pinned: 4 });
    await tick();
    expect(fail).toHaveBeenCalledWith("pinned", expect.any(Error));
    expect(after.apply).toHaveBeenCalledTimes(1);
    router.destroy();
  });
});

describe("the panels the user picks", () => {
  it("reads `panels` in layout order, unknown names dropped, the default when missing", () => {
    expect(readPanels(undefined)).toEqual(["preview", "interpolation"]);
    expect(readPanels(["worst", "nonsense", "preview"])).toEqual(["preview", "worst"]);
    expect(readPanels([])).toEqual([]);
  });

  it("opens and closes one panel, keeping layout order", () => {
    expect(withPanel(["preview", "interpolation"], "neighbours", true)).toEqual(["preview", "interpolation", "neighbours"]);
    expect(withPanel(["preview", "worst"], "traverse", true)).toEqual(["preview", "traverse", "worst"]);
    expect(withPanel(["preview", "interpolation"], "preview", false)).toEqual(["interpolation"]);
  });
});

function fakePanel(name: PanelName, place: Panel["place"]): Panel {
  return {
    name,
    title: name,
    place,
    parts: ["neighbours", "samples"],
    root: document.createElement("section"),
    apply: vi.fn(),
    close: vi.fn(),
    destroy: vi.fn(),
  };
}

describe("the panels menu", () => {
  function setup(panels?: readonly PanelName[]) {
    const fake = fakeModel(panels ? { panels: [...panels] } : {});
    const list = PANELS.map((name, i) => fakePanel(name, i < 2 ? "side" : "below"));
    const places = { side: document.createElement("aside"), below: document.createElement("div") };
    const layout = new PanelLayout(fake.model, list, places);
    document.body.replaceChildren(layout.menu.root, places.side, places.below);
    layout.apply();
    const box = (name: string) => layout.menu.root.querySelector<HTMLInputElement>(`.lw-panel-toggle[data-panel='${name}']`);
    return { ...fake, layout, list, places, box, byName: (name: string) => list.find((p) => p.name === name) as Panel };
  }

  it("shows the default panels and ticks their boxes; the other panels are hidden and not applied", () => {
    const { list, box, places, layout } = setup();
    expect(list.filter((p) => !p.root.hidden).map((p) => p.root.dataset.panel)).toEqual(["preview", "interpolation"]);
    expect(PANELS.filter((name) => box(name)?.checked)).toEqual(["preview", "interpolation"]);
    expect(places.below.hidden).toBe(true);
    expect(layout.openPanels.map((p) => p.name)).toEqual(["preview", "interpolation"]);
    for (const panel of list.slice(2)) expect(panel.apply).not.toHaveBeenCalled();
  });

  it("opens from the toolbar button, and a ticked box writes `panels` in layout order", () => {
    const { box, saves, state, layout, byName, places } = setup();
    const button = layout.menu.root.querySelector<HTMLButtonElement>(".lw-panels-menu") as HTMLButtonElement;
    const popover = layout.menu.root.querySelector<HTMLElement>(".lw-panels-popover") as HTMLElement;
    expect(popover.hidden).toBe(true);
    button.click();
    expect(popover.hidden).toBe(false);
    const neighbours = box("neighbours") as HTMLInputElement;
    neighbours.checked = true;
    neighbours.dispatchEvent(new Event("change"));
    expect(saves).toEqual([{ panels: ["preview", "interpolation", "neighbours"] }]);
    expect(state.panels).toEqual(["preview", "interpolation", "neighbours"]);
    layout.apply(); // the router applies the "panels" part once the change event is in
    const panel = byName("neighbours");
    expect(panel.root.hidden).toBe(false);
    expect(places.below.hidden).toBe(false);
    // it missed every change while closed: all of its parts are applied on opening
    expect(panel.apply).toHaveBeenCalledWith(new Set(["neighbours", "samples"]));
  });

  it("closes a panel that Python drops, which takes its marks back", () => {
    const { fromPython, layout, byName, box } = setup(["preview", "neighbours"]);
    fromPython({ panels: ["preview"] });
    layout.apply();
    expect(byName("neighbours").root.hidden).toBe(true);
    expect(byName("neighbours").close).toHaveBeenCalledTimes(1);
    expect(box("neighbours")?.checked).toBe(false);
    expect(layout.openPanels.map((p) => p.name)).toEqual(["preview"]);
  });
});
