// Which points are drawn when a map has more than `max_drawn`: a sample both sides compute from a
// hash of the index (so no index crosses the wire), plus the points of the current view that the
// kernel sends on demand (view-points.ts). Drawn positions <-> point indices both ways.

/**
 * lowbias32 (Chris Wellons' integer hash), on uint32: the kernel's `point_hash`
 * (latentwidgets/_engine/drawn.py) computes the same values, so both agree on the sample.
 */
export function pointHash(i: number): number {
  let x = i >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The sampled points: every index below `n` whose hash is below `threshold`, ascending. */
export function sampleIndices(n: number, threshold: number): Uint32Array {
  // The expected count plus six standard deviations: one pass, rarely a second buffer.
  const expected = (n * threshold) / 2 ** 32;
  let out = new Uint32Array(Math.min(n, Math.ceil(expected + 6 * Math.sqrt(expected) + 16)));
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (pointHash(i) >= threshold) continue;
    if (count === out.length) {
      const grown = new Uint32Array(Math.min(n, out.length * 2));
      grown.set(out);
      out = grown;
    }
    out[count++] = i;
  }
  return out.subarray(0, count);
}

/** Position of `value` in the ascending `sorted`, or -1. */
function find(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The points on the map by drawn position: `base` (the sample, or every point when null) then
 * `extra` (points of the current view). Both ascending and disjoint.
 */
export class DrawnSet {
  readonly size: number;

  constructor(
    /** All points of the map, drawn or not. */
    readonly total: number,
    readonly base: Uint32Array | null = null,
    readonly extra: Uint32Array | null = null,
  ) {
    this.size = (base ? base.length : total) + (extra?.length ?? 0);
  }

  /** Whether some points are left out (a sample is drawn). */
  get sampled(): boolean {
    return this.base !== null;
  }

  /** The same set with `extra` as the view's points. */
  withExtra(extra: Uint32Array | null): DrawnSet {
    return new DrawnSet(this.total, this.base, extra && extra.length > 0 ? extra : null);
  }

  /** Point index drawn at position `drawn` (-1 for none). */
  toIndex(drawn: number): number {
    if (!(drawn >= 0 && drawn < this.size)) return -1;
    const baseSize = this.base ? this.base.length : this.total;
    if (drawn < baseSize) return this.base ? this.base[drawn] : drawn;
    return this.extra ? this.extra[drawn - baseSize] : -1;
  }

  /** Drawn position of point `index`, or -1 where it is not drawn. */
  toDrawn(index: number): number {
    if (!(index >= 0 && index < this.total)) return -1;
    if (!this.base) return index;
    const inBase = find(this.base, index);
    if (inBase >= 0) return inBase;
    const inExtra = this.extra ? find(this.extra, index) : -1;
    return inExtra >= 0 ? this.base.length + inExtra : -1;
  }

  /** Point indices of drawn positions (identity when all points are drawn). */
  indicesOf(drawn: readonly number[]): number[] {
    return this.base || this.extra ? drawn.map((d) => this.toIndex(d)).filter((i) => i >= 0) : [...drawn];
  }

  /**
   * Drawn positions of the point indices that are drawn. Ascending indices (a selection from the
   * kernel) are merged against the sorted sample in one pass; others are looked up one by one.
   */
  drawnOf(indices: readonly number[]): number[] {
    const out: number[] = [];
    if (!this.base) {
      for (const i of indices) if (i >= 0 && i < this.total) out.push(i);
      return out;
    }
    if (!isAscending(indices)) {
      for (const i of indices) {
        const d = this.toDrawn(i);
        if (d >= 0) out.push(d);
      }
      return out;
    }
    const base = this.base;
    const extra = this.extra ?? new Uint32Array(0);
    let b = 0;
    let e = 0;
    for (const i of indices) {
      while (b < base.length && base[b] < i) b++;
      while (e < extra.length && extra[e] < i) e++;
      if (b < base.length && base[b] === i) out.push(b);
      else if (e < extra.length && extra[e] === i) out.push(base.length + e);
    }
    return out;
  }
}

function isAscending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] <= values[i - 1]) return false;
  return true;
}
