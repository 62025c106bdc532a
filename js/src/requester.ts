import type { LruCache } from "./lru";

export interface RequesterOptions<T> {
  /** Fetch the value for `index`; rejects on failure. */
  fetch: (index: number, signal: AbortSignal) => Promise<T>;
  cache: LruCache<number, T>;
  /** Called with the value of the index currently wanted, from the cache or once it arrives. */
  show: (index: number, value: T) => void;
  /** Called when fetching the index currently wanted failed. */
  fail?: (index: number, error: unknown) => void;
}

/**
 * Latest-wins fetching: at most one request in flight; a newer want replaces the pending one
 * (there is no queue), and a response for an index no longer wanted is cached but not shown.
 * Hovering across a thousand points therefore costs the kernel a handful of requests.
 */
export class LatestWinsRequester<T> {
  private inFlight: number | null = null;
  private pending: number | null = null;
  private wantedIndex = -1;
  private readonly controller = new AbortController();

  constructor(private readonly options: RequesterOptions<T>) {}

  /** Ask for `index` (-1: nothing) to be shown. */
  want(index: number): void {
    if (this.controller.signal.aborted) return;
    this.wantedIndex = index;
    this.pending = null;
    if (index < 0) return;
    const hit = this.options.cache.get(index);
    if (hit !== undefined) {
      this.options.show(index, hit);
    } else if (this.inFlight === null) {
      this.start(index);
    } else if (this.inFlight !== index) {
      this.pending = index;
    }
  }

  /** Stop: the request in flight is aborted and nothing is shown any more. */
  dispose(): void {
    this.controller.abort(new Error("preview requester disposed"));
    this.pending = null;
  }

  private start(index: number): void {
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
      });
  }
}
