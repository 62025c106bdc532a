import { describe, expect, it } from "vitest";
import { parsePreview, parsePreviewBatch, previewBytes } from "../src/wire/preview-codec";

const rgba = (w: number, h: number) => new DataView(new Uint8Array(w * h * 4).fill(200).buffer);
const bytes = (...values: number[]) => new DataView(new Uint8Array(values).buffer);

describe("audio previews on the wire", () => {
  it("reads the WAV, sample rate and duration an image descriptor carries, copied out of the message", () => {
    const message = new ArrayBuffer(16);
    new Uint8Array(message, 4, 3).set([82, 73, 70]);
    const preview = parsePreview(
      {
        index: 2,
        recon: { kind: "image", width: 1, height: 1, buffer: 0, audio: 1, sample_rate: 8000, duration: 0.5 },
        input: { kind: "image", width: 1, height: 1, buffer: 2 },
      },
      [rgba(1, 1), new DataView(message, 4, 3), rgba(1, 1)],
    );
    const recon = preview.recon;
    expect(recon?.kind === "image" && recon.audio).toBeTruthy();
    if (recon?.kind !== "image" || !recon.audio) return;
    expect([...recon.audio.wav]).toEqual([82, 73, 70]);
    expect(recon.audio.wav.buffer).not.toBe(message);
    expect(recon.audio.sampleRate).toBe(8000);
    expect(recon.audio.duration).toBe(0.5);
    // An image with no sound stays a plain image.
    expect(preview.input?.kind).toBe("image");
    expect(preview.input && "audio" in preview.input).toBe(false);
  });

  it("counts the WAV bytes in the cache's budget", () => {
    const without = parsePreview({ index: 0, recon: { kind: "image", width: 1, height: 1, buffer: 0 } }, [rgba(1, 1)]);
    const withSound = parsePreview(
      { index: 0, recon: { kind: "image", width: 1, height: 1, buffer: 0, audio: 1, sample_rate: 8000, duration: 0 } },
      [rgba(1, 1), new DataView(new ArrayBuffer(1000))],
    );
    expect(previewBytes(withSound) - previewBytes(without)).toBe(1000);
  });

  it("reads each point's sound in a batch from its own (shifted) buffer", () => {
    const answer = {
      previews: [
        { index: 5, recon: { kind: "image", width: 1, height: 1, buffer: 0, audio: 1, sample_rate: 16000, duration: 0.25 }, input: null },
        { index: 9, recon: { kind: "image", width: 1, height: 1, buffer: 2, audio: 3, sample_rate: 16000, duration: 0.25 }, input: null },
      ],
    };
    const previews = parsePreviewBatch(answer, [rgba(1, 1), bytes(1, 1), rgba(1, 1), bytes(9, 9, 9)]);
    const wav = (index: number) => {
      const recon = previews.get(index)?.recon;
      return recon?.kind === "image" ? [...(recon.audio?.wav ?? [])] : null;
    };
    expect(wav(5)).toEqual([1, 1]);
    expect(wav(9)).toEqual([9, 9, 9]);
  });

  it("names what is wrong with a malformed sound", () => {
    const descriptor = (extra: Record<string, unknown>) => ({ index: 0, recon: { kind: "image", width: 1, height: 1, buffer: 0, ...extra } });
    expect(() => parsePreview(descriptor({ audio: 3, sample_rate: 8000, duration: 1 }), [rgba(1, 1)])).toThrow(/recon\.audio must index one of 1 buffers; got 3/);
    expect(() => parsePreview(descriptor({ audio: 0, sample_rate: 0, duration: 1 }), [rgba(1, 1)])).toThrow(/sample_rate must be a positive integer \(Hz\); got 0/);
    expect(() => parsePreview(descriptor({ audio: 0, sample_rate: 8000 }), [rgba(1, 1)])).toThrow(/duration must be a number of seconds >= 0; got undefined/);
  });
});
