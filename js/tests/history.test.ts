import { describe, expect, it } from "vitest";
import { CURRENT_DECODER_NOTE, historyNote, historyStops } from "../src/map/history";

const N = 2;
// three snapshots of two points: the last one is the live map
const maps = Float32Array.from([0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 3, 3]);

describe("history slider stops", () => {
  it("ends on the live map, in the last snapshot's place when it is the same map", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1", "e2"], Float32Array.from([0, 0, 3, 3]));
    expect(stops.map((s) => s.name)).toEqual(["e0", "e1", "e2"]);
    expect(Array.from(stops[1].coords ?? [])).toEqual([0, 0, 2, 2]);
    expect(stops[2].coords).toBeNull();
  });

  it("adds a live stop when the map moved since the last snapshot", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1"], Float32Array.from([0, 0, 4, 4]));
    expect(stops.map((s) => s.name)).toEqual(["e0", "e1", "snapshot 3", "live"]);
    expect(stops[3].coords).toBeNull();
  });

  it("has none below two snapshots or for another number of points", () => {
    expect(historyStops(maps.subarray(0, 4), [1, N, 2], ["e0"], Float32Array.from([0, 0, 1, 1]))).toEqual([]);
    expect(historyStops(maps, [3, N, 2], [], Float32Array.from([0, 0, 1, 1, 2, 2]))).toEqual([]);
    expect(historyStops(null, [], [], Float32Array.from([0, 0]))).toEqual([]);
  });
});

describe("history note", () => {
  it("says previews use the current decoder on every stop but the live map", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1"], Float32Array.from([0, 0, 4, 4]));
    expect(stops.map(historyNote)).toEqual([CURRENT_DECODER_NOTE, CURRENT_DECODER_NOTE, CURRENT_DECODER_NOTE, null]);
    expect(CURRENT_DECODER_NOTE).toBe("Previews use the current decoder");
  });

  it("is hidden on the live map, in the last snapshot's place too, and with no stop", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1", "e2"], Float32Array.from([0, 0, 3, 3]));
    expect(stops.map(historyNote)).toEqual([CURRENT_DECODER_NOTE, CURRENT_DECODER_NOTE, null]);
    expect(historyNote(undefined)).toBeNull();
  });
});

describe("history stops and kept decoders", () => {
  it("number the snapshots for preview requests, -1 on the live map", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1", "e2"], Float32Array.from([0, 0, 3, 3]), [true, false, true]);
    expect(stops.map((s) => s.snapshot)).toEqual([0, 1, -1]);
    expect(stops.map((s) => s.decoder)).toEqual([true, false, false]);
    const moved = historyStops(maps, [3, N, 2], ["e0", "e1", "e2"], Float32Array.from([0, 0, 4, 4]), [true, false, true]);
    expect(moved.map((s) => s.snapshot)).toEqual([0, 1, 2, -1]);
  });

  it("hide the note on a snapshot whose decoder was kept", () => {
    const stops = historyStops(maps, [3, N, 2], ["e0", "e1"], Float32Array.from([0, 0, 4, 4]), [true, false, true]);
    expect(stops.map(historyNote)).toEqual([null, CURRENT_DECODER_NOTE, null, null]);
  });
});
