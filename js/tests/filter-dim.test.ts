// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { Selection } from "../src/core/selection";
import { DrawnSet } from "../src/map/drawn-set";
import { dimFailing, fade, PassMask, passMask } from "../src/map/filter-dim";
import { LIGHT_THEME } from "../src/map/theme";
import { encodeArray } from "../src/wire/codecs";
import type { Invoke } from "../src/wire/invoke";
import { fakeModel } from "./fake-model";

/** numpy's packbits of a list of booleans (most significant bit first). */
function packbits(passing: boolean[]): Uint8Array<ArrayBuffer> {
  const bits = new Uint8Array(Math.ceil(passing.length / 8));
  passing.forEach((p, i) => {
    if (p) bits[i >> 3] |= 1 << (7 - (i & 7));
  });
  return bits;
}

describe("the filter's pass mask", () => {
  it("reads numpy's bits, most significant first", () => {
    const passing = [true, false, false, true, true, false, false, false, false, true];
    const mask = new PassMask(packbits(passing));
    expect(passing.map((_, i) => mask.passes(i))).toEqual(passing);
    expect(mask.keep([9, 1, 0, 2, 3])).toEqual([9, 0, 3]);
  });

  it("is null without a filter and decoded once per value", () => {
    const { model, fromPython } = fakeModel({ _filter_mask: null });
    expect(passMask(model)).toBeNull();
    fromPython({ _filter_mask: encodeArray(packbits([false, true])) });
    const mask = passMask(model);
    expect(mask?.passes(1)).toBe(true);
    expect(passMask(model)).toBe(mask);
  });
});

describe("dimming the points that fail", () => {
  const root = () => document.createElement("div");

  it("moves failing points to a faded twin of their colour; none are removed", () => {
    const colors = { values: Float32Array.from([0, 1, 2, 1]), dataType: "categorical" as const, palette: ["#ff0000", "#00ff00", "#0000ff"] };
    const el = root();
    const mask = new PassMask(packbits([true, false, true, false]));
    const dimmed = dimFailing({ colors, codes: null }, mask, new DrawnSet(4), LIGHT_THEME, el).colors;
    expect(Array.from(dimmed?.values ?? [])).toEqual([0, 4, 2, 4]);
    expect(dimmed?.palette.slice(0, 3)).toEqual(colors.palette);
    expect(dimmed?.palette.length).toBe(6);
    expect(el.dataset.dimmed).toBe("2");
  });

  it("dims the drawn points of a sampled map by their own index", () => {
    // 10 points, the sample draws 1, 4 and 7 and the view adds 8: drawn positions 0..3
    const drawn = new DrawnSet(10, Uint32Array.from([1, 4, 7]), Uint32Array.from([8]));
    const passing = Array.from({ length: 10 }, (_, i) => i % 2 === 0); // 4 and 8 pass
    const el = root();
    const dimmed = dimFailing({ colors: null, codes: null }, new PassMask(packbits(passing)), drawn, LIGHT_THEME, el).colors;
    expect(Array.from(dimmed?.values ?? [])).toEqual([1, 0, 1, 0]);
    expect(dimmed?.palette).toEqual([LIGHT_THEME.accent, fade(LIGHT_THEME.accent, LIGHT_THEME.background, 0.82)]);
    expect(el.dataset.dimmed).toBe("2");
  });

  it("leaves the colours alone without a filter", () => {
    const el = root();
    expect(dimFailing({ colors: null, codes: null }, null, new DrawnSet(3), LIGHT_THEME, el).colors).toBeNull();
    expect(el.dataset.dimmed).toBe("0");
  });

  it("fades towards the background", () => {
    expect(fade("#000000", [1, 1, 1, 1], 0.5)).toBe("#808080");
    expect(fade("#336699", [1, 1, 1, 1], 0)).toBe("#336699");
    expect(fade("not a colour", [1, 1, 1, 1], 0.5)).toBe("not a colour");
  });
});

describe("a selection while a filter is on", () => {
  it("keeps only the points that pass, and shows the map what is selected", () => {
    const { model } = fakeModel({});
    const selection = new Selection(model, (async () => [{}, []]) as unknown as Invoke, () => {});
    const shown: (readonly number[])[] = [];
    selection.toShow.on((indices) => shown.push(indices));
    const mask = new PassMask(packbits([true, false, true, false]));
    selection.selectable = (indices) => mask.keep(indices);
    selection.fromMap([0, 1, 2, 3]);
    expect(selection.indices).toEqual([0, 2]);
    expect(shown).toEqual([[0, 2]]);
  });
});
