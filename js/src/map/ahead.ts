// Where the pointer is heading: the drawn points it will reach next, so that their previews can be
// fetched before it lands on one (prefetch). A hand slows down as it nears what it aims at, so the
// path ahead is looked along for as far as the pointer goes in a short while at its current speed,
// in a cone (the aim is not exact), and round the pointer itself when it rests.

/** How far ahead, and how widely, the pointer's path is looked along. */
export const AHEAD = {
  /** Look as far as the pointer goes in this long at its current speed (ms)... */
  horizonMs: 150,
  /** ...but never farther (CSS px). */
  maxPx: 96,
  /** Between two picks (CSS px): under a pick's diameter (at least 6 px), so no point slips between. */
  stepPx: 4,
  /** The cone's half width per px ahead. */
  spread: 0.3,
  /** The ring of picks round the pointer (CSS px). */
  aroundPx: 8,
  /** A gap between moves this long (ms) means the pointer stopped: its speed starts from 0. */
  stillMs: 100,
  /** Weight of the newest move in the smoothed velocity. */
  smoothing: 0.5,
} as const;

const RING: readonly [number, number][] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

/** The pointer's smoothed velocity (CSS px per ms) from its moves. */
export class PointerTrail {
  private last: { x: number; y: number; t: number } | null = null;
  private vx = 0;
  private vy = 0;

  /** The pointer is at (x, y) at time `t` (ms): its velocity now. */
  move(x: number, y: number, t: number): [number, number] {
    const last = this.last;
    this.last = { x, y, t };
    const dt = last ? t - last.t : Number.POSITIVE_INFINITY;
    if (!last || !(dt > 0) || dt > AHEAD.stillMs) {
      this.vx = 0;
      this.vy = 0;
    } else {
      const k = AHEAD.smoothing;
      this.vx = k * ((x - last.x) / dt) + (1 - k) * this.vx;
      this.vy = k * ((y - last.y) / dt) + (1 - k) * this.vy;
    }
    return [this.vx, this.vy];
  }

  /** The pointer left: the next move starts from rest. */
  reset(): void {
    this.last = null;
    this.vx = 0;
    this.vy = 0;
  }
}

/**
 * Up to `limit` distinct points the pointer at (x, y), moving at (vx, vy) px/ms, reaches first:
 * the one under it, then those along its path ahead (nearest first, in a widening cone), then
 * those round it. `pick(sx, sy)` is the map's own: the point under a screen position, or -1.
 */
export function pointsAhead(pick: (sx: number, sy: number) => number, x: number, y: number, vx: number, vy: number, limit: number): number[] {
  const found: number[] = [];
  const full = (sx: number, sy: number): boolean => {
    const index = pick(sx, sy);
    if (index >= 0 && !found.includes(index)) found.push(index);
    return found.length >= limit;
  };
  if (limit <= 0 || full(x, y)) return found;
  const speed = Math.hypot(vx, vy);
  const reach = Math.min(speed * AHEAD.horizonMs, AHEAD.maxPx);
  if (reach >= AHEAD.stepPx) {
    const [ux, uy] = [vx / speed, vy / speed];
    for (let s = AHEAD.stepPx; s <= reach; s += AHEAD.stepPx) {
      const [cx, cy] = [x + ux * s, y + uy * s];
      if (full(cx, cy)) return found;
      // Across the cone, one step apart: no point of its width slips between two picks.
      for (let side = AHEAD.stepPx; side <= s * AHEAD.spread; side += AHEAD.stepPx) {
        if (full(cx - uy * side, cy + ux * side) || full(cx + uy * side, cy - ux * side)) return found;
      }
    }
  }
  for (const [dx, dy] of RING) if (full(x + dx * AHEAD.aroundPx, y + dy * AHEAD.aroundPx)) return found;
  return found;
}
