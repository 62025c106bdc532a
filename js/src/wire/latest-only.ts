// One request at a time, the latest wanted next: for requests whose older answers are worthless.
/**
 * At most one request in flight; a newer position replaces the waiting one. `want(null)` drops the
 * waiting one, and a response that is no longer the latest wanted is not shown.
 */
export class LatestOnly<K> {
  private busy = false;
  private waiting: K | null = null;
  private latest: K | null = null;

  constructor(
    private readonly run: (key: K) => Promise<void>,
    private readonly onError: (error: unknown, key: K) => void = () => undefined,
  ) {}

  /** Whether `key` is still the last one wanted. */
  isLatest(key: K): boolean {
    return this.latest === key;
  }

  want(key: K | null): void {
    this.latest = key;
    this.waiting = key;
    if (!this.busy) this.next();
  }

  private next(): void {
    const key = this.waiting;
    this.waiting = null;
    if (key === null) return;
    this.busy = true;
    this.run(key)
      .catch((error: unknown) => this.onError(error, key))
      .finally(() => {
        this.busy = false;
        this.next();
      });
  }
}
