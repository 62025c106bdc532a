// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { FrameTextList, frameTexts, sameTexts, scrollToShow } from "../src/panels/frame-texts";
import type { ExplorerTraits } from "../src/wire/contract";
import { fakeModel } from "./fake-model";

describe("_frame_texts", () => {
  it("reads a panel's strings; none, empty or malformed read as none", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { model } = fakeModel({ _frame_texts: { interp: ["a", "b"], traverse: [], samples: [1, 2] } as unknown as ExplorerTraits["_frame_texts"] });
    expect(frameTexts(model, "interp")).toEqual(["a", "b"]);
    expect(frameTexts(model, "traverse")).toBeNull();
    expect(frameTexts(model, "samples")).toBeNull();
    expect(warn).toHaveBeenCalledOnce();
    expect(frameTexts(fakeModel().model, "interp")).toBeNull();
    warn.mockRestore();
  });

  it("compares lists item by item", () => {
    expect(sameTexts(["a"], ["a"])).toBe(true);
    expect(sameTexts(["a"], ["b"])).toBe(false);
    expect(sameTexts(["a"], ["a", "b"])).toBe(false);
    expect(sameTexts(null, null)).toBe(true);
    expect(sameTexts(null, [])).toBe(false);
  });
});

describe("scrollToShow", () => {
  it("leaves an item in view alone, and otherwise scrolls the least that shows it", () => {
    expect(scrollToShow(40, 20, 0, 100)).toBe(0);
    expect(scrollToShow(140, 20, 0, 100)).toBe(60);
    expect(scrollToShow(10, 20, 50, 100)).toBe(10);
    expect(scrollToShow(10, 200, 0, 100)).toBe(10);
  });
});

describe("FrameTextList", () => {
  it("shows a line per frame, the current one marked, and a click picks a frame", () => {
    const picked: number[] = [];
    const list = new FrameTextList("Interpolation frames", (f) => picked.push(f));
    expect(list.root.hidden).toBe(true);
    list.set(["one", "two", "three"]);
    expect(list.root.hidden).toBe(false);
    expect(list.root.tagName).toBe("OL");
    expect([...list.root.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["one", "two", "three"]);

    list.setCurrent(1);
    list.setCurrent(2);
    const current = list.root.querySelectorAll(".is-current");
    expect(current).toHaveLength(1);
    expect(current[0]?.textContent).toBe("three");
    expect(current[0]?.getAttribute("aria-current")).toBe("true");
    expect(list.root.querySelectorAll("[aria-current]")).toHaveLength(1);

    (list.root.children[0] as HTMLElement).click();
    expect(picked).toEqual([0]);
  });

  it("keeps the same strings as they are, and redraws (unmarked) for new ones or none", () => {
    const list = new FrameTextList("frames", () => undefined);
    list.set(["a", "b"]);
    const first = list.root.children[0];
    list.setCurrent(0);
    list.set(["a", "b"]);
    expect(list.root.children[0]).toBe(first);
    list.set(["a", "c"]);
    expect(list.root.children[0]).not.toBe(first);
    expect(list.root.querySelector(".is-current")).toBeNull();
    list.setCurrent(0);
    expect(list.root.querySelector(".is-current")?.textContent).toBe("a");
    list.set(null);
    expect(list.root.hidden).toBe(true);
    expect(list.root.children).toHaveLength(0);
  });
});
