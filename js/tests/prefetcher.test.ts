import { describe, expect, it } from "vitest";
import { batchLimit, chooseBatch, Prefetcher } from "../src/wire/prefetcher";

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A prefetcher over a fake kernel whose batches the test answers by hand. */
function setup(options: { maxPoints?: number; maxBytes?: number; busy?: () => boolean } = {}) {
  const calls: { keys: number[]; answer: (values: Map<number, string>) => void; fail: (e: unknown) => void }[] = [];
  const kept = new Map<number, string>();
  const fetched: number[] = [];
  const prefetcher = new Prefetcher<number, string>({
    fetch: (keys) =>
      new Promise((answer, fail) => {
        calls.push({ keys, answer, fail });
      }),
    known: (key) => kept.has(key),
    keep: (key, value) => kept.set(key, value),
    busy: options.busy ?? (() => false),
    sizeOf: (value) => value.length,
    maxPoints: options.maxPoints ?? 4,
    maxBytes: options.maxBytes ?? 1000,
    fetched: (count) => fetched.push(count),
  });
  const answerAll = (k: number, size = 1) => calls[k].answer(new Map(calls[k].keys.map((key) => [key, "x".repeat(size)])));
  return { calls, kept, fetched, prefetcher, answerAll };
}

describe("batchLimit", () => {
  it("asks for maxPoints until a value's size is known, then as many as maxBytes holds", () => {
    expect(batchLimit(8, 1 << 20, 0)).toBe(8);
    expect(batchLimit(8, 1 << 20, 512)).toBe(8);
    expect(batchLimit(8, 1 << 20, 300_000)).toBe(3);
    // a value larger than the whole budget: one at a time, never none
    expect(batchLimit(8, 1 << 20, 5 << 20)).toBe(1);
  });
});

describe("chooseBatch", () => {
  it("takes the nearest keys first, once each, leaving out those already in the page", () => {
    const known = new Set([2, 5]);
    expect(chooseBatch([1, 2, 3, 3, 4, 5, 6, 7], (k) => known.has(k), 4)).toEqual([1, 3, 4, 6]);
    expect(chooseBatch([2, 5], (k) => known.has(k), 4)).toEqual([]);
  });
});

describe("Prefetcher", () => {
  it("keeps one batch in flight, and the newest wish replaces the one waiting", async () => {
    const { calls, kept, prefetcher, answerAll, fetched } = setup();
    prefetcher.want([1, 2]);
    prefetcher.want([3, 4]);
    prefetcher.want([5, 6, 7, 8, 9, 10]);
    expect(calls.map((c) => c.keys)).toEqual([[1, 2]]);
    answerAll(0);
    await flush();
    // [3, 4] was never sent; the batch holds maxPoints keys
    expect(calls.map((c) => c.keys)).toEqual([
      [1, 2],
      [5, 6, 7, 8],
    ]);
    expect([...kept.keys()]).toEqual([1, 2]);
    expect(fetched).toEqual([2]);
  });

  it("bounds a batch's bytes by the largest value seen", async () => {
    const { calls, prefetcher, answerAll } = setup({ maxPoints: 8, maxBytes: 1000 });
    prefetcher.want([1]);
    answerAll(0, 300);
    await flush();
    prefetcher.want([2, 3, 4, 5, 6, 7]);
    expect(calls[1].keys).toEqual([2, 3, 4]);
  });

  it("sends nothing while the hover's request is under way, and catches up when it settles", async () => {
    let busy = true;
    const { calls, prefetcher } = setup({ busy: () => busy });
    prefetcher.want([1, 2]);
    prefetcher.want([3]);
    expect(calls).toEqual([]);
    busy = false;
    prefetcher.resume();
    expect(calls.map((c) => c.keys)).toEqual([[3]]);
  });

  it("hands the hover a value its batch in flight brings, and nothing for keys it does not ask", async () => {
    const { calls, prefetcher, answerAll } = setup();
    prefetcher.want([1, 2]);
    expect(prefetcher.pending(3)).toBeNull();
    const coming = prefetcher.pending(2);
    answerAll(0);
    expect(await coming).toBe("x");
    expect(calls.length).toBe(1);
  });

  it("keeps nothing of a batch asked for before a reset, nor of one that failed", async () => {
    const { calls, kept, prefetcher, answerAll } = setup();
    prefetcher.want([1, 2]);
    prefetcher.reset();
    expect(prefetcher.pending(1)).toBeNull();
    answerAll(0);
    await flush();
    expect(kept.size).toBe(0);
    prefetcher.want([3]);
    calls[1].fail(new Error("kernel gone"));
    await flush();
    expect(kept.size).toBe(0);
    // and goes on after the failure
    prefetcher.want([4]);
    expect(calls.map((c) => c.keys)).toEqual([[1, 2], [3], [4]]);
  });

  it("holds a flood of wishes to one batch in flight", async () => {
    const { calls, prefetcher, answerAll } = setup({ maxPoints: 8 });
    for (let i = 0; i < 10_000; i++) prefetcher.want([i, i + 1, i + 2]);
    expect(calls.length).toBe(1);
    answerAll(0);
    await flush();
    expect(calls.map((c) => c.keys)).toEqual([
      [0, 1, 2],
      [9999, 10000, 10001],
    ]);
  });
});
