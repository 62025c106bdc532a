// Fetching ahead: the values of the keys the pointer is heading for, asked for in one batch, so that
// they are in the page when it lands. Bounded like the hover itself: at most one batch in flight,
// latest-wins (a newer wish replaces the one waiting, there is no queue), at most `maxPoints` keys
// and about `maxBytes` a batch, and none while a request with priority (the hover's) is under way.

/** What a Prefetcher fetches with, and where it keeps what it got. */
export interface PrefetcherOptions<K, T> {
  /** Fetch the values of `keys` in one request: resolves to those answered (some may be left out). */
  fetch: (keys: K[], signal: AbortSignal) => Promise<Map<K, T>>;
  /** Whether `key` needs no fetching (cached, or already asked for by the hover). */
  known: (key: K) => boolean;
  /** Keep a value fetched ahead. */
  keep: (key: K, value: T) => void;
  /** Whether a request with priority is under way: no batch starts meanwhile (see `resume`). */
  busy: () => boolean;
  /** Bytes of a value, for the byte bound. */
  sizeOf: (value: T) => number;
  /** Most keys a batch asks for. */
  maxPoints: number;
  /** About the most bytes a batch brings back (its keys are counted at the largest value seen). */
  maxBytes: number;
  /** A batch has been answered with `count` values. */
  fetched?: (count: number) => void;
}

/**
 * How many keys the next batch may ask for: `maxPoints`, fewer where values of `bytesEach` bytes
 * (the largest seen; 0: none yet, the kernel bounds the first batch's bytes) would pass `maxBytes`;
 * at least one.
 */
export function batchLimit(maxPoints: number, maxBytes: number, bytesEach: number): number {
  if (!(bytesEach > 0)) return Math.max(1, maxPoints);
  return Math.max(1, Math.min(maxPoints, Math.floor(maxBytes / bytesEach)));
}

/** The first `limit` keys of `wish`, in order, once each, leaving out those `skip` says. */
export function chooseBatch<K>(wish: readonly K[], skip: (key: K) => boolean, limit: number): K[] {
  const batch: K[] = [];
  for (const key of wish) {
    if (batch.length >= limit) break;
    if (!batch.includes(key) && !skip(key)) batch.push(key);
  }
  return batch;
}

export class Prefetcher<K, T> {
  private wish: K[] | null = null;
  private inFlight: { keys: readonly K[]; answer: Promise<Map<K, T>>; epoch: number } | null = null;
  private bytesEach = 0;
  /** Bumped by reset(): a batch asked for before is kept no more. */
  private epoch = 0;
  private readonly controller = new AbortController();

  constructor(private readonly options: PrefetcherOptions<K, T>) {}

  /** Fetch `keys` ahead, nearest first; replaces the wish not yet sent. */
  want(keys: readonly K[]): void {
    this.wish = [...keys];
    this.resume();
  }

  /**
   * The value of `key` from the batch in flight, or null where that batch does not ask for it
   * (undefined once it is answered without it).
   */
  pending(key: K): Promise<T | undefined> | null {
    const batch = this.inFlight;
    if (!batch || batch.epoch !== this.epoch || !batch.keys.includes(key)) return null;
    return batch.answer.then(
      (values) => values.get(key),
      () => undefined,
    );
  }

  /** Send the wish if nothing holds it back (call when the request with priority settles). */
  resume(): void {
    const { options } = this;
    if (this.inFlight || !this.wish || this.controller.signal.aborted || options.busy()) return;
    const limit = batchLimit(options.maxPoints, options.maxBytes, this.bytesEach);
    const keys = chooseBatch(this.wish, options.known, limit);
    this.wish = null;
    if (keys.length === 0) return;
    const epoch = this.epoch;
    const answer = options.fetch(keys, this.controller.signal);
    this.inFlight = { keys, answer, epoch };
    answer
      .then(
        (values) => {
          if (epoch !== this.epoch || this.controller.signal.aborted) return;
          for (const [key, value] of values) {
            this.bytesEach = Math.max(this.bytesEach, options.sizeOf(value));
            options.keep(key, value);
          }
          options.fetched?.(values.size);
        },
        // Fetching ahead is a guess: a failure shows nowhere (the hover asks again, and says so).
        () => undefined,
      )
      .finally(() => {
        this.inFlight = null;
        this.resume();
      });
  }

  /** The keys now name other values: drop the wish, and what the batch in flight brings. */
  reset(): void {
    this.wish = null;
    this.epoch += 1;
  }

  dispose(): void {
    this.wish = null;
    this.controller.abort(new Error("prefetcher disposed"));
  }
}
