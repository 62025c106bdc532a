import { describe, expect, it } from "vitest";
import { projectionLabel } from "../src/ui/toolbar";

describe("projectionLabel", () => {
  it("names known projections for people and keeps what follows", () => {
    expect(projectionLabel("tsne")).toBe("t-SNE");
    expect(projectionLabel("tsne (running)")).toBe("t-SNE (running)");
    expect(projectionLabel("dims")).toBe("Latent dims");
    expect(projectionLabel("custom")).toBe("custom");
    expect(projectionLabel("")).toBe("");
  });
});
