import type { AnyModel } from "@anywidget/types";
import { describe, expect, it, vi } from "vitest";
import { clampSteps, pingPong } from "../src/panels/interpolation";
import { normaliseStatus } from "../src/ui/status";
import { createInvoke, fallbackInvoke } from "../src/wire/invoke";
import { PreviewError, parsePreview, previewBytes } from "../src/wire/preview-codec";
import { frameImage } from "../src/wire/trait-arrays";

type Handler = (...args: unknown[]) => void;

/** Just enough of a widget model to speak the command protocol. */
function fakeModel() {
  const handlers = new Set<Handler>();
  const sent: Record<string, unknown>[] = [];
  const model = {
    on: (_event: string, cb: Handler) => handlers.add(cb),
    off: (_event: string, cb: Handler) => handlers.delete(cb),
    send: (content: Record<string, unknown>) => sent.push(content),
  } as unknown as AnyModel;
  const reply = (content: unknown, buffers: DataView[] = []) => {
    for (const cb of [...handlers]) cb(content, buffers);
  };
  return { model, sent, reply, handlers };
}

describe("fallback invoke", () => {
  it("sends anywidget's command message and resolves with the matching response", async () => {
    const { model, sent, reply, handlers } = fakeModel();
    const invoke = fallbackInvoke(model);
    const pending = invoke<{ index: number }>("preview", { index: 4 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "anywidget-command", name: "preview", msg: { index: 4 } });
    const buffer = new DataView(new ArrayBuffer(4));
    reply({ id: "someone-else", kind: "anywidget-command-response", response: { index: 0 } });
    reply({ id: sent[0].id, kind: "anywidget-command-response", response: { index: 4 } }, [buffer]);
    await expect(pending).resolves.toEqual([{ index: 4 }, [buffer]]);
    expect(handlers.size).toBe(0);
  });

  it("rejects and stops listening when aborted", async () => {
    const { model, handlers } = fakeModel();
    const controller = new AbortController();
    const pending = fallbackInvoke(model)("preview", { index: 1 }, { signal: controller.signal });
    controller.abort(new Error("gone"));
    await expect(pending).rejects.toThrow("gone");
    expect(handlers.size).toBe(0);
  });

  it("gives up after its timeout and stops listening", async () => {
    const { model, handlers } = fakeModel();
    const pending = fallbackInvoke(model, 20)("preview", { index: 1 });
    await expect(pending).rejects.toThrow(/timeout|timed out/i);
    expect(handlers.size).toBe(0);
  });

  it("uses experimental.invoke when given, always passing a signal", async () => {
    const { model, sent } = fakeModel();
    const native = vi.fn(async () => [{ ok: true }, []] as [unknown, DataView[]]);
    const invoke = createInvoke(model, { invoke: native as never });
    await invoke("preview", { index: 2 });
    expect(sent).toHaveLength(0);
    expect(native).toHaveBeenCalledWith("preview", { index: 2 }, { signal: expect.any(AbortSignal) });
  });

  it("falls back for good once the host's invoke says it is unsupported (marimo)", async () => {
    const { model, sent, reply } = fakeModel();
    const native = vi.fn(async () => {
      throw new Error("anywidget.invoke not supported in marimo. Please file an issue");
    });
    const invoke = createInvoke(model, { invoke: native as never });
    const first = invoke<{ index: number }>("preview", { index: 5 });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    reply({ id: sent[0].id, kind: "anywidget-command-response", response: { index: 5 } });
    await expect(first).resolves.toEqual([{ index: 5 }, []]);
    const second = invoke<{ index: number }>("preview", { index: 6 });
    expect(sent).toHaveLength(2);
    reply({ id: sent[1].id, kind: "anywidget-command-response", response: { index: 6 } });
    await expect(second).resolves.toEqual([{ index: 6 }, []]);
    expect(native).toHaveBeenCalledTimes(1);
  });

  it("passes on any other error of the host's invoke", async () => {
    const { model, sent } = fakeModel();
    const native = vi.fn(async () => {
      throw new Error("decoder exploded");
    });
    const invoke = createInvoke(model, { invoke: native as never });
    await expect(invoke("preview", { index: 1 })).rejects.toThrow("decoder exploded");
    expect(sent).toHaveLength(0);
  });
});

describe("parsePreview", () => {
  const rgba = (w: number, h: number) => new DataView(new Uint8Array(w * h * 4).fill(200).buffer);

  it("reads image and text items from their buffers", () => {
    const preview = parsePreview(
      {
        index: 3,
        recon: { kind: "image", width: 2, height: 3, buffer: 1 },
        input: { kind: "text", text: "hello" },
      },
      [rgba(1, 1), rgba(2, 3)],
    );
    expect(preview.index).toBe(3);
    expect(preview.recon?.kind).toBe("image");
    if (preview.recon?.kind === "image") {
      expect(preview.recon.image.width).toBe(2);
      expect(preview.recon.image.data.length).toBe(24);
    }
    expect(preview.input).toEqual({ kind: "text", text: "hello" });
    expect(previewBytes(preview)).toBeGreaterThan(24);
  });

  it("copies image bytes out of a windowed buffer", () => {
    const buffer = new ArrayBuffer(64);
    new Uint8Array(buffer).fill(1);
    new Uint8Array(buffer, 8, 4).set([10, 20, 30, 40]);
    const preview = parsePreview({ index: 0, recon: null, input: { kind: "image", width: 1, height: 1, buffer: 0 } }, [
      new DataView(buffer, 8, 4),
    ]);
    expect(preview.input?.kind === "image" && Array.from(preview.input.image.data)).toEqual([10, 20, 30, 40]);
    expect(preview.recon).toBeNull();
  });

  it("raises the kernel's error as a PreviewError", () => {
    expect(() => parsePreview({ index: 1, recon: null, input: null, error: "decoder failed" }, [])).toThrow(PreviewError);
  });

  it("rejects a buffer that does not match the image size, or a missing buffer", () => {
    expect(() => parsePreview({ index: 0, recon: { kind: "image", width: 2, height: 2, buffer: 0 } }, [rgba(1, 1)])).toThrow(
      /2x2 RGBA \(16 bytes\); its buffer has 4/,
    );
    expect(() => parsePreview({ index: 0, recon: { kind: "image", width: 1, height: 1, buffer: 2 } }, [rgba(1, 1)])).toThrow(
      /must index one of 1 buffers; got 2/,
    );
    expect(() => parsePreview({ index: 0, recon: { kind: "video" } }, [])).toThrow(/kind must be "image" or "text"/);
  });
});

describe("interpolation helpers", () => {
  it("views one frame of [F, H, W, 4] without copying", () => {
    const data = new Uint8Array(3 * 2 * 2 * 4).map((_, i) => i);
    const frames = { data, dtype: "uint8" as const, shape: [3, 2, 2, 4] };
    const frame = frameImage(frames, 2);
    expect(frame.width).toBe(2);
    expect(frame.height).toBe(2);
    expect(frame.data[0]).toBe(32);
    expect(frame.data.buffer).toBe(data.buffer);
    expect(() => frameImage(frames, 3)).toThrow(/outside 0..2/);
  });

  it("plays back and forth", () => {
    const seen: number[] = [];
    let state: [number, 1 | -1] = [0, 1];
    for (let i = 0; i < 8; i++) {
      state = pingPong(state[0], state[1], 4);
      seen.push(state[0]);
    }
    expect(seen).toEqual([1, 2, 3, 2, 1, 0, 1, 2]);
    expect(pingPong(0, 1, 1)[0]).toBe(0);
  });

  it("clamps steps into 2..256", () => {
    expect(clampSteps(1)).toBe(2);
    expect(clampSteps(16.4)).toBe(16);
    expect(clampSteps(9999)).toBe(256);
  });
});

describe("normaliseStatus", () => {
  it("keeps good values and repairs bad ones", () => {
    expect(normaliseStatus({ state: "busy", message: "t-SNE", progress: 0.5 })).toEqual({
      state: "busy",
      message: "t-SNE",
      progress: 0.5,
    });
    expect(normaliseStatus({ state: "weird", progress: 7 })).toEqual({ state: "idle", message: "", progress: 1 });
    expect(normaliseStatus(null)).toEqual({ state: "idle", message: "", progress: null });
  });
});
