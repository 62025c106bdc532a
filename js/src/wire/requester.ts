/** Where the requester looks values up and keeps them: an LruCache, or tiers of them. */
export interface ValueCache<K, T> {
  get(key: K): T | undefined;
  set(key: K, value: T): void;
}

/**
 * What a request is for: a point index, or a string naming more than the index (the previews key
 * by snapshot and index, so that another snapshot's value is never taken for this one's).
 */
export type RequestKey = number | string;

export interface RequesterOptions<T, K extends RequestKey = number> {
  /** Fetch the value for `key`; rejects on failure. */
  fetch: (key: K, signal: AbortSignal) => Promise<T>;
  cache: ValueCache<K, T>;
  /** Called with the value of the key currently wanted, from the cache or once it arrives. */
  show: (key: K, value: T) => void;
  /** Called when fetching the key currently wanted failed. */
  fail?: (key: K, error: unknown) => void;
  /** Called once a request has settled and the pending one (if any) has been sent. */
  settled?: () => void;
}

/**
 * Latest-wins fetching: at most one request in flight; a newer want replaces the pending one
 * (there is no queue), and a response for an index no longer wanted is cached but not shown.
 * Hovering across a thousand points therefore costs the kernel a handful of requests.
 */
export class LatestWinsRequester<T, K extends RequestKey = number> {
  private inFlight: K | null = null;
  private pending: K | null = null;
  private wantedIndex: K | null = null;
  private readonly controller = new AbortController();

  constructor(private readonly options: RequesterOptions<T, K>) {}

  /** Ask for `index` (null or a negative number: nothing) to be shown. */
  want(index: K | null): void {
    if (this.controller.signal.aborted) return;
    this.wantedIndex = index;
    this.pending = null;
    if (index === null || (typeof index === "number" && index < 0)) {
      this.wantedIndex = null;
      return;
    }
    const hit = this.options.cache.get(index);
    if (hit !== undefined) {
      this.options.show(index, hit);
    } else if (this.inFlight === null) {
      this.start(index);
    } else if (this.inFlight !== index) {
      this.pending = index;
    }
  }

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Stop: the request in flight is aborted and nothing is shown any more. */
  dispose(): void {
    this.controller.abort(new Error("preview requester disposed"));
    this.pending = null;
  }

  private start(index: K): void {
    this.inFlight = index;
    this.options
      .fetch(index, this.controller.signal)
      .then(
        (value) => {
          this.options.cache.set(index, value);
          if (!this.controller.signal.aborted && index === this.wantedIndex) {
            this.options.show(index, value);
          }
        },
        (error: unknown) => {
          if (!this.controller.signal.aborted && index === this.wantedIndex) {
            this.options.fail?.(index, error);
          }
        },
      )
      .finally(() => {
        this.inFlight = null;
        const next = this.pending;
        this.pending = null;
        if (next !== null) this.want(next);
        this.options.settled?.();
      });
  }
}
