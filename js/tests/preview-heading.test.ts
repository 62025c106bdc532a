import { describe, expect, it } from "vitest";
import { loadingHeading, previewHeading } from "../src/panels/preview-heading";
import { sampleCaption } from "../src/panels/samples";
import { galleryCaption } from "../src/ui/gallery";

const fields: [string, string][] = [
  ["label", "2"],
  ["ink", "0.3125"],
  ["cluster", "0"],
];

describe("previewHeading", () => {
  it("names the colour column, then the label when that is another column", () => {
    expect(previewHeading(50, fields, "cluster", false)).toBe("#50 · cluster 0 · label 2");
    expect(previewHeading(50, fields, "ink", true)).toBe("#50 · ink 0.3125 · label 2 · pinned");
  });

  it("says the label once when the map is coloured by it", () => {
    expect(previewHeading(50, fields, "label", false)).toBe("#50 · label 2");
  });

  it("leaves out what the point has no value for", () => {
    expect(previewHeading(3, [], "cluster", false)).toBe("#3");
    expect(previewHeading(3, [["label", "cat"]], "", false)).toBe("#3 · label cat");
    expect(previewHeading(3, [["ink", "1"]], "missing", true)).toBe("#3 · pinned");
  });
});

describe("loadingHeading", () => {
  it("names the category of the core's label by its column", () => {
    expect(loadingHeading("#50 · 0", "cluster")).toBe("#50 · cluster 0");
    expect(loadingHeading("#50 · 0 · pinned", "cluster")).toBe("#50 · cluster 0 · pinned");
  });

  it("leaves a label with no category as it is", () => {
    expect(loadingHeading("#50", "cluster")).toBe("#50");
    expect(loadingHeading("#50 · pinned", "recon_error")).toBe("#50 · pinned");
    expect(loadingHeading("#50 · 0", "")).toBe("#50 · 0");
    expect(loadingHeading("probe", "cluster")).toBe("probe");
  });
});

describe("gallery captions", () => {
  it("numbers samples from 1, so that they are never read as points", () => {
    expect(sampleCaption(0)).toBe("sample 1");
    expect(sampleCaption(15)).toBe("sample 16");
    expect(galleryCaption(0, sampleCaption)).toBe("sample 1");
  });

  it("numbers points by their index", () => {
    expect(galleryCaption(12)).toBe("#12");
  });
});
