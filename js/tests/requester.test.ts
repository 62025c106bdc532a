import { describe, expect, it } from "vitest";
import { LruCache } from "../src/lru";
import { LatestWinsRequester } from "../src/requester";

/** A fake invoke whose responses the test releases by hand. */
function fakeFetch() {
  const calls: { index: number; resolve: (v: string) => void; reject: (e: unknown) => void; signal: AbortSignal }[] = [];
  const fetch = (index: number, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => calls.push({ index, resolve, reject, signal }));
  return { calls, fetch };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const { calls, fetch } = fakeFetch();
  const cache = new LruCache<number, string>(10);
  const shown: [number, string][] = [];
  const failed: number[] = [];
  const requester = new LatestWinsRequester<string>({
    fetch,
    cache,
    show: (i, v) => shown.push([i, v]),
    fail: (i) => failed.push(i),
  });
  return { calls, cache, shown, failed, requester };
}

describe("LatestWinsRequester", () => {
  it("keeps at most one request in flight and replaces the pending one", async () => {
    const { calls, shown, requester } = setup();
    requester.want(1);
    requester.want(2);
    requester.want(3);
    requester.want(4);
    expect(calls.map((c) => c.index)).toEqual([1]);
    calls[0].resolve("one");
    await flush();
    // 2 and 3 were replaced before they were ever sent.
    expect(calls.map((c) => c.index)).toEqual([1, 4]);
    calls[1].resolve("four");
    await flush();
    expect(shown).toEqual([[4, "four"]]);
  });

  it("caches a stale response without showing it", async () => {
    const { calls, cache, shown, requester } = setup();
    requester.want(1);
    requester.want(2);
    calls[0].resolve("one");
    await flush();
    expect(shown).toEqual([]);
    expect(cache.peek(1)).toBe("one");
    // Coming back to 1 shows it at once, with no request.
    calls[1].resolve("two");
    await flush();
    requester.want(1);
    expect(shown).toEqual([
      [2, "two"],
      [1, "one"],
    ]);
    expect(calls).toHaveLength(2);
  });

  it("does not request what it already has in flight", async () => {
    const { calls, shown, requester } = setup();
    requester.want(5);
    requester.want(6);
    requester.want(5);
    calls[0].resolve("five");
    await flush();
    expect(calls).toHaveLength(1);
    expect(shown).toEqual([[5, "five"]]);
  });

  it("wanting nothing drops the pending request", async () => {
    const { calls, shown, requester } = setup();
    requester.want(1);
    requester.want(2);
    requester.want(-1);
    calls[0].resolve("one");
    await flush();
    expect(calls).toHaveLength(1);
    expect(shown).toEqual([]);
  });

  it("reports a failure only for the index still wanted, and goes on", async () => {
    const { calls, failed, shown, requester } = setup();
    requester.want(1);
    calls[0].reject(new Error("boom"));
    await flush();
    expect(failed).toEqual([1]);
    requester.want(2);
    requester.want(3);
    calls[1].reject(new Error("stale"));
    await flush();
    expect(failed).toEqual([1]);
    calls[2].resolve("three");
    await flush();
    expect(shown).toEqual([[3, "three"]]);
  });

  it("aborts the request in flight on dispose and shows nothing after", async () => {
    const { calls, shown, requester } = setup();
    requester.want(1);
    requester.dispose();
    expect(calls[0].signal.aborted).toBe(true);
    calls[0].resolve("one");
    await flush();
    requester.want(2);
    expect(shown).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});

describe("LruCache", () => {
  it("evicts the least recently used entry beyond its entry bound", () => {
    const cache = new LruCache<number, string>(3);
    cache.set(1, "a");
    cache.set(2, "b");
    cache.set(3, "c");
    cache.get(1);
    cache.set(4, "d");
    expect(cache.has(2)).toBe(false);
    expect([1, 3, 4].every((k) => cache.has(k))).toBe(true);
    expect(cache.size).toBe(3);
  });

  it("stays within its byte budget and skips items larger than it", () => {
    const cache = new LruCache<string, Uint8Array>(100, 10, (v) => v.byteLength);
    cache.set("a", new Uint8Array(4));
    cache.set("b", new Uint8Array(4));
    cache.set("c", new Uint8Array(4));
    expect(cache.has("a")).toBe(false);
    expect(cache.totalBytes).toBe(8);
    cache.set("huge", new Uint8Array(11));
    expect(cache.has("huge")).toBe(false);
    expect(cache.totalBytes).toBe(8);
  });

  it("replacing a key updates its size", () => {
    const cache = new LruCache<string, Uint8Array>(10, 100, (v) => v.byteLength);
    cache.set("a", new Uint8Array(40));
    cache.set("a", new Uint8Array(10));
    expect(cache.totalBytes).toBe(10);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.totalBytes).toBe(0);
  });

  it("peek does not refresh recency", () => {
    const cache = new LruCache<number, number>(2);
    cache.set(1, 1);
    cache.set(2, 2);
    cache.peek(1);
    cache.set(3, 3);
    expect(cache.has(1)).toBe(false);
  });
});
