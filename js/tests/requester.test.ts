import { describe, expect, it } from "vitest";
import { parsePreviewKey, previewKey } from "../src/core/previews";
import { LruCache } from "../src/wire/lru";
import { LatestWinsRequester } from "../src/wire/requester";

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

describe("preview keys", () => {
  it("tell the live map, each snapshot and each set of stops apart", () => {
    const keys = [previewKey(4), previewKey(4, -1, 7), previewKey(4, 0, 1), previewKey(4, 1, 1), previewKey(4, 0, 2), previewKey(5, 0, 1)];
    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys.slice(1)).size).toBe(5);
    expect(parsePreviewKey(previewKey(12))).toEqual({ index: 12, snapshot: -1 });
    expect(parsePreviewKey(previewKey(12, 3, 9))).toEqual({ index: 12, snapshot: 3 });
  });

  it("tell the models update() put in place apart", () => {
    const keys = [previewKey(4), previewKey(4, -1, 0, 1), previewKey(4, -1, 0, 2), previewKey(4, 0, 1, 1), previewKey(4, 0, 1, 2)];
    expect(new Set(keys).size).toBe(5);
    expect(parsePreviewKey(previewKey(12, -1, 0, 3))).toEqual({ index: 12, snapshot: -1 });
    expect(parsePreviewKey(previewKey(12, 2, 5, 3))).toEqual({ index: 12, snapshot: 2 });
  });

  it("never show a response for another snapshot of the same point", async () => {
    const cache = new LruCache<string, string>(10);
    const shown: string[] = [];
    const resolvers = new Map<string, (value: string) => void>();
    const requester = new LatestWinsRequester<string, string>({
      cache,
      fetch: (key) => new Promise<string>((resolve) => resolvers.set(key, resolve)),
      show: (key, value) => shown.push(`${key}=${value}`),
    });
    requester.want(previewKey(3, 0, 1)); // hovering point 3 on snapshot 0
    requester.want(previewKey(3)); // the slider moved to the live map
    resolvers.get(previewKey(3, 0, 1))?.("then");
    await flush();
    expect(shown).toEqual([]); // snapshot 0's image is cached, not shown on the live stop
    expect(cache.peek(previewKey(3, 0, 1))).toBe("then");
    resolvers.get(previewKey(3))?.("now");
    await flush();
    expect(shown).toEqual(["3=now"]);
    requester.want(previewKey(3, 0, 1)); // back to snapshot 0: from the cache
    expect(shown).toEqual(["3=now", "3@0#1=then"]);
    requester.want(null);
    requester.dispose();
  });
});
