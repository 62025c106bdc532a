import { describe, expect, it } from "vitest";
import { dimsCount, PARAMS, withParam } from "../src/ui/projection-controls";

describe("dimsCount", () => {
  it("reads the latent dimensionality from the traversal menu, at most 64", () => {
    expect(dimsCount(["z0", "z1", "z2", "pc1", "pc2", "smile"])).toBe(3);
    expect(dimsCount(["pc1"])).toBe(0);
    expect(dimsCount(Array.from({ length: 80 }, (_, d) => `z${d}`))).toBe(64);
  });
});

describe("projection parameters", () => {
  const rule = (name: string) => PARAMS.find((p) => p.name === name)?.check ?? (() => "missing");
  it("mirror the kernel's rules for n points", () => {
    expect(rule("perplexity")(30, 100)).toBeNull();
    expect(rule("perplexity")(100, 100)).toMatch(/perplexity/);
    expect(rule("perplexity")(0, 100)).toMatch(/perplexity/);
    expect(rule("n_neighbors")(15, 100)).toBeNull();
    expect(rule("n_neighbors")(1, 100)).toMatch(/n_neighbors/);
    expect(rule("n_neighbors")(2.5, 100)).toMatch(/integer/);
    expect(rule("min_dist")(0, 100)).toBeNull();
    expect(rule("min_dist")(-0.1, 100)).toMatch(/min_dist/);
  });
  it("are set in a new object, keeping the other projections' values", () => {
    const old = { umap: { n_neighbors: 5 } };
    const next = withParam(old, "umap", "min_dist", 0.2);
    expect(next).toEqual({ umap: { n_neighbors: 5, min_dist: 0.2 } });
    expect(old).toEqual({ umap: { n_neighbors: 5 } });
    expect(withParam(null, "tsne", "perplexity", 12)).toEqual({ tsne: { perplexity: 12 } });
  });
});
