import { describe, expect, it } from "vitest";
import { legendRows } from "../src/legend";

describe("legendRows", () => {
  it("shows every category when they fit", () => {
    expect(legendRows(["a", "b", "(missing)"])).toEqual([0, 1, 2]);
  });

  it("keeps (other) and (missing) when the list is cut", () => {
    const names = [...Array.from({ length: 254 }, (_, i) => `k${i}`), "(other)", "(missing)"];
    const rows = legendRows(names);
    expect(rows).toHaveLength(24);
    expect(rows.slice(0, 22)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(rows.slice(22)).toEqual([254, 255]);
  });
});
