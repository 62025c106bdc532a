// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Previews } from "../src/core/previews";
import { Signal } from "../src/core/signal";
import { HoverCard } from "../src/map/hover-card";
import type { FrameKey, PanelContext, PickTarget } from "../src/panels/panel";
import { PreviewPanel } from "../src/panels/preview";
import type { Invoke } from "../src/wire/invoke";
import type { Model } from "../src/wire/traits";
import type { Preview, PreviewItem } from "../src/wire/types";
import { fakeModel } from "./fake-model";

const image = { width: 3, height: 1, data: new Uint8ClampedArray(12) };
const sound = (byte: number, duration = 0.5): PreviewItem => ({
  kind: "image",
  image,
  audio: { wav: new Uint8Array([byte, byte]), sampleRate: 8000, duration },
});
const text = (value: string): PreviewItem => ({ kind: "text", text: value });
const preview = (index: number, recon: PreviewItem | null, input: PreviewItem | null): Preview => ({ index, recon, input, fields: [] });

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

/** The bytes of each blob made into a URL, in order. */
function spyBlobs(): Promise<number[]>[] {
  const blobs: Promise<number[]>[] = [];
  vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
    blobs.push((blob as Blob).arrayBuffer().then((buffer) => [...new Uint8Array(buffer)]));
    return `blob:test/${blobs.length}`;
  });
  vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
  return blobs;
}

describe("the preview panel with sound and text", () => {
  let explorer: HTMLElement;
  beforeEach(() => {
    explorer = document.createElement("div");
    explorer.className = "lw-explorer";
    document.body.append(explorer);
  });
  afterEach(() => {
    explorer.remove();
    vi.restoreAllMocks();
  });

  function panel(traits: Parameters<typeof fakeModel>[0] = {}) {
    const fake = fakeModel({ pinned: -1, _has_decoder: true, ...traits });
    const ctx = context(fake.model);
    const view = new PreviewPanel(ctx);
    explorer.append(view.root);
    const buttons = () => [...view.root.querySelectorAll<HTMLButtonElement>(".lw-play-audio")].filter((b) => !b.hidden);
    return { ...fake, ctx, view, buttons };
  }

  it("puts a play button under each sound, and each plays its own WAV with the point's tags", async () => {
    const blobs = spyBlobs();
    const { ctx, view, buttons } = panel();
    ctx.previews.shown.emit({ kind: "point", preview: preview(4, sound(1), sound(2, 0.25)), label: "#4", snapshot: -1, hasDecoder: true });
    expect(buttons().map((b) => b.getAttribute("aria-label"))).toEqual(["Play input", "Play decoded"]);
    expect([...view.root.querySelectorAll("figcaption")].map((c) => c.textContent)).toEqual(["input · 0.25 s", "decoded · 0.50 s"]);
    buttons()[1].click();
    const audio = explorer.querySelector<HTMLAudioElement>("audio.lw-audio");
    expect({ ...audio?.dataset }).toMatchObject({ index: "4", source: "decoded" });
    buttons()[0].click();
    expect({ ...audio?.dataset }).toMatchObject({ index: "4", source: "input" });
    expect(await Promise.all(blobs)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("has no play button for a picture without sound, and stacks texts input over decoded", () => {
    const { ctx, view, buttons } = panel();
    ctx.previews.shown.emit({ kind: "point", preview: preview(1, { kind: "image", image }, null), label: "#1", snapshot: -1, hasDecoder: true });
    expect(buttons()).toHaveLength(0);
    ctx.previews.shown.emit({ kind: "point", preview: preview(2, text("x+1.0"), text("02 left")), label: "#2", snapshot: -1, hasDecoder: true });
    expect(buttons()).toHaveLength(0);
    expect(view.root.querySelector(".lw-preview-body")?.classList.contains("is-text")).toBe(true);
    expect(view.root.querySelector(".lw-preview-image")?.textContent).toBe("x+1.0");
    expect(view.root.querySelector(".lw-preview-input")?.textContent).toBe("02 left");
  });

  it("plays a point of an audio model when it is pinned, and asks nothing of an image model", async () => {
    const blobs = spyBlobs();
    const { model, ctx } = panel({ _preview_modality: "audio" });
    const get = vi.spyOn(ctx.previews, "get").mockResolvedValue(preview(9, sound(7), null));
    model.set("pinned", 9);
    await vi.waitFor(() => expect(explorer.querySelector("audio.lw-audio")).not.toBeNull());
    expect(get).toHaveBeenCalledWith(9);
    expect(explorer.querySelector<HTMLAudioElement>("audio")?.dataset.index).toBe("9");
    expect(await Promise.all(blobs)).toEqual([[7, 7]]);

    const images = panel({ _preview_modality: "image" });
    const asked = vi.spyOn(images.ctx.previews, "get");
    images.model.set("pinned", 3);
    expect(asked).not.toHaveBeenCalled();
  });
});

describe("the hover card with sound and text", () => {
  it("shows a sound's picture and length, and text as the decoded line over the input line", () => {
    const map = document.createElement("div");
    const card = new HoverCard(map);
    card.show(3, "#3", [], [10, 10], true, preview(3, sound(1, 1.5), null));
    expect(card.root.dataset.audio).toBe("1");
    expect(card.root.dataset.image).toBe("1");
    expect(card.root.querySelector(".lw-hover-note")?.textContent).toBe("1.50 s · click to pin and play");
    card.show(4, "#4", [], [10, 10], true, preview(4, text("x-6.0 y-3.2"), text("04 left")));
    expect(card.root.dataset).toMatchObject({ audio: "0", image: "0", text: "1" });
    const lines = [...card.root.querySelectorAll(".lw-hover-text")].map((line) => line.textContent);
    expect(lines).toEqual(["decodedx-6.0 y-3.2", "input04 left"]);
    expect((card.root.querySelector(".lw-hover-note") as HTMLElement).hidden).toBe(true);
  });
});
