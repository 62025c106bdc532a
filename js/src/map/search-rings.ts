// Rings round the search's matches: a canvas over the points, drawn from the matches' raw map
// coordinates (`_search_places`, sent by the kernel), so that matches a sampled map does not draw
// are ringed too. Redrawn whenever the camera moves or the points are drawn anew.

/** Where the rings go: raw map coordinates to CSS px in the map, and the map's size. */
export interface RingPlaces {
  toScreen: (x: number, y: number) => [number, number] | null;
  size: () => { width: number; height: number };
}

export const RING_RADIUS = 7;

export class SearchRings {
  readonly canvas: HTMLCanvasElement;
  private places: Float32Array | null = null;
  private raf = 0;
  private destroyed = false;

  constructor(private readonly where: RingPlaces) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "lw-search-rings";
    this.canvas.hidden = true;
    this.canvas.dataset.rings = "0";
  }

  /** The matches to ring, raw x0 y0 x1 y1 ... (null: none). */
  setPlaces(places: Float32Array | null): void {
    this.places = places && places.length >= 2 ? places : null;
    this.canvas.dataset.rings = String(this.places ? this.places.length / 2 : 0);
    this.schedule();
  }

  /** Redraw at the next animation frame (a camera move calls this many times a frame). */
  schedule(): void {
    if (this.raf || this.destroyed) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.render();
    });
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    this.canvas.remove();
  }

  private render(): void {
    const places = this.places;
    // A 2-D canvas that was only cleared may keep showing its last frame: hide it when empty.
    this.canvas.hidden = places === null;
    if (!places) return;
    const { width, height } = this.where.size();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(this.canvas);
    const ring = style.getPropertyValue("--lw-search-ring").trim() || "#e8590c";
    const halo = style.getPropertyValue("--lw-bg-map").trim() || "#fff";
    ctx.beginPath();
    for (let i = 0; i + 1 < places.length; i += 2) {
      const at = this.where.toScreen(places[i], places[i + 1]);
      if (!at) continue;
      const [sx, sy] = at;
      if (sx < -RING_RADIUS || sy < -RING_RADIUS || sx > width + RING_RADIUS || sy > height + RING_RADIUS) continue;
      ctx.moveTo(sx + RING_RADIUS, sy);
      ctx.arc(sx, sy, RING_RADIUS, 0, 2 * Math.PI);
    }
    ctx.lineWidth = 4;
    ctx.strokeStyle = halo;
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = ring;
    ctx.stroke();
  }
}
