// @vitest-environment happy-dom
// The frame panels in each preview modality: pictures, sounds (play buttons), strings (lists).
import { afterEach, describe, expect, it, vi } from "vitest";
import { Previews } from "../src/core/previews";
import { Signal } from "../src/core/signal";
import { chipThumbWidth, InterpolationPanel } from "../src/panels/interpolation";
import type { FrameKey, PanelContext, PickTarget } from "../src/panels/panel";
import { SamplesPanel } from "../src/panels/samples";
import { TraversePanel } from "../src/panels/traverse";
import { encodeArray } from "../src/wire/codecs";
import type { ExplorerTraits, Part } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";
import type { Model } from "../src/wire/traits";
import { fakeModel } from "./fake-model";

const ALL: ReadonlySet<Part> = new Set<Part>(["interp", "frames", "decoder", "traverse", "traverseFrames", "samples", "controls", "colors"]);
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function context(model: Model): PanelContext {
  const invoke = vi.fn(async () => [{}, []]) as unknown as Invoke;
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

/** `count` frames of 2x2 RGBA pictures, as the kernel sends them. */
function frames(count: number) {
  return encodeArray(new Uint8Array(count * 2 * 2 * 4), [count, 2, 2, 4]);
}

function mounted(root: HTMLElement): HTMLElement {
  const explorer = document.createElement("div");
  explorer.className = "lw-explorer";
  explorer.append(root);
  document.body.append(explorer);
  return root;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("interpolation panel", () => {
  const texts = ["cat", "cot", "dot", "dog"];

  it("in text mode lists the frames' strings, the one on show highlighted as the slider moves", () => {
    const { model } = fakeModel({ _frames: frames(4), _preview_modality: "text", _frame_texts: { interp: texts } } as Partial<ExplorerTraits>);
    const panel = new InterpolationPanel(context(model));
    const root = mounted(panel.root);
    panel.apply(ALL);
    const lines = [...root.querySelectorAll(".lw-frame-texts li")];
    expect(lines.map((li) => li.textContent)).toEqual(texts);
    expect(root.querySelector(".lw-frame-box")?.hasAttribute("hidden")).toBe(true);
    expect(root.querySelector(".is-current")?.textContent).toBe("cat");

    const slider = root.querySelector<HTMLInputElement>(".lw-interp-slider") as HTMLInputElement;
    slider.value = "2";
    slider.dispatchEvent(new Event("input"));
    expect(root.querySelector(".is-current")?.textContent).toBe("dot");
    expect(root.querySelector("[aria-current='true']")?.textContent).toBe("dot");

    (lines[3] as HTMLElement).click();
    expect(slider.value).toBe("3");
    expect(root.querySelector(".lw-interp-frame")?.getAttribute("data-frame")).toBe("3");
    expect(root.querySelector(".is-current")?.textContent).toBe("dog");
    expect(root.querySelector<HTMLElement>(".lw-play-audio")?.hidden).toBe(true);
    panel.destroy();
  });

  it("in text mode names each end by its string in its chip, not by an unreadable picture", () => {
    const { model } = fakeModel({ _frames: frames(4), _preview_modality: "text", _frame_texts: { interp: texts }, interp_a: 3, interp_b: 9 } as Partial<ExplorerTraits>);
    const panel = new InterpolationPanel(context(model));
    const root = mounted(panel.root);
    panel.apply(ALL);
    for (const [end, text] of [["a", "cat"], ["b", "dog"]]) {
      expect(root.querySelector(`.lw-pick-${end} .lw-chip-text`)?.textContent).toBe(text);
      expect(root.querySelector<HTMLElement>(`.lw-pick-${end} .lw-chip-text`)?.hidden).toBe(false);
      expect(root.querySelector<HTMLElement>(`.lw-pick-${end} .lw-chip-thumb`)?.hidden).toBe(true);
    }
    panel.destroy();
  });

  it("keeps a wide thumbnail (a waveform) wide in its chip, within bounds", () => {
    const image = (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) });
    expect(chipThumbWidth(image(8, 8))).toBe(24);
    expect(chipThumbWidth(image(192, 64))).toBe(48);
    expect(chipThumbWidth(image(48, 32))).toBe(36);
    expect(chipThumbWidth(image(8, 64))).toBe(24);
  });

  it("in audio mode has a play button and play all in place of the silent animation", () => {
    const { model } = fakeModel({ _frames: frames(4), _preview_modality: "audio", _frame_texts: {} } as Partial<ExplorerTraits>);
    const ctx = context(model);
    const panel = new InterpolationPanel(ctx);
    const root = mounted(panel.root);
    panel.apply(ALL);
    const play = root.querySelector<HTMLButtonElement>(".lw-frame-box .lw-play-audio");
    expect(play?.hidden).toBe(false);
    expect(play?.getAttribute("aria-label")).toBe("Play frame");
    const playAll = root.querySelector<HTMLButtonElement>(".lw-player .lw-play-all");
    expect(playAll?.hidden).toBe(false);
    expect(root.querySelector<HTMLButtonElement>(".lw-play")?.hidden).toBe(true);
    expect(root.querySelector<HTMLElement>(".lw-frame-texts")?.hidden).toBe(true);
    // Space (the widget's play key) plays all, as the animation's button did.
    ctx.frameKeys.emit("play");
    expect(playAll?.getAttribute("aria-pressed")).toBe("true");
    ctx.frameKeys.emit("play");
    expect(playAll?.getAttribute("aria-pressed")).toBe("false");
    // A hand on the slider stops it, before any move.
    playAll?.click();
    expect(playAll?.getAttribute("aria-pressed")).toBe("true");
    root.querySelector(".lw-interp-slider")?.dispatchEvent(new Event("pointerdown"));
    expect(playAll?.getAttribute("aria-pressed")).toBe("false");
    panel.destroy();
  });

  it("in image mode is as it was: pictures, the animation, no sound and no list", () => {
    const { model } = fakeModel({ _frames: frames(4), _preview_modality: "image", _frame_texts: {} } as Partial<ExplorerTraits>);
    const panel = new InterpolationPanel(context(model));
    const root = mounted(panel.root);
    panel.apply(ALL);
    expect(root.querySelector<HTMLButtonElement>(".lw-play")?.hidden).toBe(false);
    expect(root.querySelector<HTMLButtonElement>(".lw-play-audio")?.hidden).toBe(true);
    expect(root.querySelector<HTMLButtonElement>(".lw-play-all")?.hidden).toBe(true);
    expect(root.querySelector<HTMLElement>(".lw-frame-box")?.hidden).toBe(false);
    panel.destroy();
  });
});

describe("traverse panel", () => {
  it("in text mode lists the walk's strings, starting at the middle frame", () => {
    const walk = ["a", "b", "c", "d", "e"];
    const { model } = fakeModel({ _traverse_frames: frames(5), _preview_modality: "text", _frame_texts: { traverse: walk } } as Partial<ExplorerTraits>);
    const panel = new TraversePanel(context(model));
    const root = mounted(panel.root);
    panel.apply(ALL);
    expect([...root.querySelectorAll(".lw-frame-texts li")].map((li) => li.textContent)).toEqual(walk);
    expect(root.querySelector(".is-current")?.textContent).toBe("c");
    panel.destroy();
  });
});

describe("samples panel", () => {
  it("in text mode shows each sample's string", async () => {
    const strings = ["bad", "bed", "bid"];
    const { model } = fakeModel({ _samples: frames(3), _preview_modality: "text", _frame_texts: { samples: strings } } as Partial<ExplorerTraits>);
    const panel = new SamplesPanel(context(model));
    const root = mounted(panel.root);
    panel.apply(ALL);
    await flush();
    expect([...root.querySelectorAll(".lw-sample-text")].map((t) => t.textContent)).toEqual(strings);
    expect(root.querySelectorAll(".lw-sample canvas:not([hidden])")).toHaveLength(0);
    panel.destroy();
  });

  it("in audio mode plays a sample on click: the kernel's frame_audio for that sample", async () => {
    vi.spyOn(URL, "createObjectURL").mockImplementation(() => "blob:test/1");
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
    vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    const { model } = fakeModel({ _samples: frames(3), _preview_modality: "audio", _frame_texts: {} } as Partial<ExplorerTraits>);
    const ctx = context(model);
    vi.mocked(ctx.invoke).mockImplementation((async (_name: string, msg: unknown) => {
      const { frame } = msg as { frame: number };
      return [{ panel: "samples", frame, sample_rate: 8000, duration: 0.1 }, [new DataView(new ArrayBuffer(8))]];
    }) as never);
    const panel = new SamplesPanel(ctx);
    const root = mounted(panel.root);
    panel.apply(ALL);
    await flush();
    root.querySelector<HTMLElement>(".lw-sample[data-index='1']")?.click();
    await flush();
    expect(vi.mocked(ctx.invoke).mock.calls.map((c) => c[1])).toEqual([{ panel: "samples", frame: 1 }]);
    const audio = document.querySelector<HTMLAudioElement>("audio.lw-audio");
    expect(audio?.dataset).toMatchObject({ panel: "samples", frame: "1" });
    // Each sample's caption has its play button too (for the keyboard): sample 3 is number 2.
    const button = root.querySelector<HTMLButtonElement>(".lw-sample[data-index='2'] figcaption .lw-play-audio");
    expect(button?.getAttribute("aria-label")).toBe("Play sample 3");
    button?.click();
    await flush();
    expect(vi.mocked(ctx.invoke).mock.calls.map((c) => c[1])).toEqual([
      { panel: "samples", frame: 1 },
      { panel: "samples", frame: 2 },
    ]);
    expect(audio?.dataset).toMatchObject({ panel: "samples", frame: "2" });
    panel.destroy();
    vi.restoreAllMocks();
  });
});
