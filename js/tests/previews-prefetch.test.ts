import { describe, expect, it } from "vitest";
import { Previews } from "../src/core/previews";
import { COMMANDS, LIMITS } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";
import { fakeModel } from "./fake-model";

const flush = () => new Promise((r) => setTimeout(r, 0));

/** One 1 x 1 RGBA image a point: its first byte spells the index. */
function pixel(index: number): DataView {
  return new DataView(Uint8Array.from([index, 0, 0, 255]).buffer);
}

/** A fake kernel answering `preview` and `preview_batch` when the test says so. */
function setup() {
  const sent: { name: string; msg: { index?: number; indices?: number[] }; answer: () => void }[] = [];
  const invoke = ((name: string, msg: { index?: number; indices?: number[] }) =>
    new Promise((resolve) => {
      const entry = (index: number, buffer: number) => ({ index, recon: { kind: "image", width: 1, height: 1, buffer }, input: null, fields: [] });
      const answer = () => {
        if (name === COMMANDS.preview) resolve([entry(msg.index as number, 0), [pixel(msg.index as number)]]);
        else resolve([{ previews: (msg.indices ?? []).map((i, k) => entry(i, k)) }, (msg.indices ?? []).map(pixel)]);
      };
      sent.push({ name, msg, answer });
    })) as unknown as Invoke;
  const { model } = fakeModel({ pinned: -1, _has_decoder: true });
  const reported: Record<string, string> = {};
  const previews = new Previews(model, invoke, () => null, (name, value) => {
    reported[name] = value;
  });
  const shown: number[] = [];
  previews.shown.on((s) => {
    if (s.kind === "point" && s.preview.recon?.kind === "image") shown.push(s.preview.recon.image.data[0]);
  });
  return { sent, previews, reported, shown };
}

describe("Previews fetching ahead", () => {
  it("shows a point fetched ahead with no request of its own", async () => {
    const { sent, previews, reported, shown } = setup();
    previews.prefetch([4, 5, 6]);
    expect(sent.map((s) => [s.name, s.msg])).toEqual([[COMMANDS.previewBatch, { indices: [4, 5, 6] }]]);
    sent[0].answer();
    await flush();
    expect(reported.prefetched).toBe("3");
    previews.update(5);
    expect(shown).toEqual([5]);
    expect(sent.length).toBe(1);
    expect(reported.previewRequests).toBe("0");
  });

  it("waits for the batch in flight that asks for the hovered point, asking nothing again", async () => {
    const { sent, previews, reported, shown } = setup();
    previews.prefetch([7, 8]);
    previews.update(8);
    expect(sent.length).toBe(1);
    sent[0].answer();
    await flush();
    expect(shown).toEqual([8]);
    expect(reported.previewRequests).toBe("0");
  });

  it("sends the hover's own request at once, and no batch while it is under way", async () => {
    const { sent, previews, shown } = setup();
    previews.update(3);
    previews.prefetch([3, 9, 10]);
    expect(sent.map((s) => s.name)).toEqual([COMMANDS.preview]);
    sent[0].answer();
    await flush();
    expect(shown).toEqual([3]);
    // then the wish, less the point now in the page
    expect(sent.map((s) => s.msg)).toEqual([{ index: 3 }, { indices: [9, 10] }]);
  });

  it("asks for at most the batch bound, and never for a point past a history stop", () => {
    const { sent, previews } = setup();
    previews.setStop(0, 1, -1);
    previews.prefetch([1, 2]);
    expect(sent).toEqual([]);
    previews.setStop(-1, 1, -1);
    previews.prefetch(Array.from({ length: 40 }, (_, i) => i));
    expect(sent[0].msg.indices?.length).toBe(LIMITS.preview_batch_points[1]);
  });
});
