import { describe, expect, it } from "vitest";
import { labelChoices, vectorProblem } from "../src/panels/vector-form";

describe("vectorProblem", () => {
  const sel = { selection: true as const };
  const rest = { rest: true as const };
  it("asks for a name, a selection and two different labels", () => {
    expect(vectorProblem({ name: "", a: sel, b: rest }, 3)).toMatch(/Name/);
    expect(vectorProblem({ name: "pc9", a: sel, b: rest }, 3)).toMatch(/built-in/);
    expect(vectorProblem({ name: "v", a: sel, b: rest }, 0)).toMatch(/Select/);
    expect(vectorProblem({ name: "v", a: sel, b: rest }, 3)).toBeNull();
    expect(vectorProblem({ name: "v", a: { label: "x" }, b: { label: "x" } }, 0)).toMatch(/different/);
    expect(vectorProblem({ name: "v", a: { label: "x" }, b: { label: "y" } }, 0)).toBeNull();
  });
  it("offers the labels bar the catch-all rows", () => {
    expect(labelChoices(["cat", "dog", "(other)", "(missing)"])).toEqual(["cat", "dog"]);
  });
});
