// A 2-D canvas above the WebGL map: interpolation and traversal paths with their current frames,
// A/B and pinned markers, rings round the pinned point's neighbours, sampled codes, located items
// and the sketch.
import { pointSizeOnScreen } from "./pick";
import { toScreen } from "./points";

export interface OverlayState {
  /** Normalised path points, x0 y0 x1 y1 ... (one per frame). */
  path: Float32Array | null;
  frame: number;
  a: [number, number] | null;
  b: [number, number] | null;
  pinned: [number, number] | null;
  /** Normalised places of the pinned point's neighbours (rings). */
  rings: Float32Array | null;
  /** Normalised traversal path and the frame on show. */
  traverse: Float32Array | null;
  traverseFrame: number;
  /** Normalised places of sampled codes (diamonds). */
  samples: Float32Array | null;
  /** Normalised places of located items (squares) and of the sketch (a triangle). */
  located: Float32Array | null;
  sketch: [number, number] | null;
  /** A marker to emphasise (the gallery item under the pointer). */
  highlight: [number, number] | null;
  /** The point under the pointer: drawn larger, in its own colour, in a ring (not counted in data-marks). */
  hover: HoverMark | null;
}

export interface HoverMark {
  /** Normalised place. */
  at: [number, number];
  /** The point's own colour (CSS). */
  color: string;
  /** The map's point size (px at zoom 1, as regl-scatterplot's `pointSize`). */
  size: number;
}

export interface OverlayColors {
  line: string;
  halo: string;
  text: string;
  a: string;
  b: string;
}

export class PathOverlay {
  readonly canvas: HTMLCanvasElement;
  private state: OverlayState = {
    path: null,
    frame: 0,
    a: null,
    b: null,
    pinned: null,
    rings: null,
    traverse: null,
    traverseFrame: 0,
    samples: null,
    located: null,
    sketch: null,
    highlight: null,
    hover: null,
  };
  private hidden = false;
  private raf = 0;
  private destroyed = false;

  constructor(
    container: HTMLElement,
    private readonly getView: () => { view: ArrayLike<number>; width: number; height: number },
    private colors: OverlayColors,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "lw-path-overlay";
    this.canvas.hidden = true;
    this.canvas.dataset.marks = "0";
    container.append(this.canvas);
  }

  update(patch: Partial<OverlayState>): void {
    this.state = { ...this.state, ...patch };
    this.schedule();
  }

  setColors(colors: OverlayColors): void {
    this.colors = colors;
    this.schedule();
  }

  /** Hide while points glide to a new projection (the markers' places are known only at the end). */
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    this.schedule();
  }

  /** Redraw at the next animation frame (camera moves call this many times a frame). */
  schedule(): void {
    // regl-scatterplot publishes its events asynchronously: one may come after destroy().
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
    const { view, width, height } = this.getView();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const count = this.hidden ? 0 : countMarks(this.state);
    // A 2-D canvas whose last render only clears it may keep showing an older frame (software
    // rendering in Chromium): with nothing to draw the layer is hidden, not just cleared.
    const hover = this.hidden ? null : this.state.hover;
    this.canvas.hidden = count === 0 && !hover;
    this.canvas.dataset.marks = String(count);
    this.canvas.dataset.hoverMark = hover ? "1" : "0";
    if (this.canvas.hidden) return;
    const at = (x: number, y: number) => toScreen(view, width, height, x, y);
    const { path, frame, a, b, pinned, rings, traverse, traverseFrame, samples, located, sketch, highlight } = this.state;
    const c = this.colors;

    if (rings) {
      for (let i = 0; i + 1 < rings.length; i += 2) {
        const [rx, ry] = at(rings[i], rings[i + 1]);
        ctx.beginPath();
        ctx.arc(rx, ry, 6, 0, 2 * Math.PI);
        strokeOverHalo(ctx, c, 1.25, 3);
      }
    }

    if (samples) {
      for (let i = 0; i + 1 < samples.length; i += 2) {
        const [sx, sy] = at(samples[i], samples[i + 1]);
        ctx.beginPath();
        ctx.moveTo(sx, sy - 6);
        ctx.lineTo(sx + 6, sy);
        ctx.lineTo(sx, sy + 6);
        ctx.lineTo(sx - 6, sy);
        ctx.closePath();
        ctx.fillStyle = c.b;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = c.halo;
        ctx.stroke();
      }
    }

    if (located) {
      for (let i = 0; i + 1 < located.length; i += 2) {
        const [lx, ly] = at(located[i], located[i + 1]);
        ctx.beginPath();
        ctx.rect(lx - 6, ly - 6, 12, 12);
        ctx.fillStyle = c.a;
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = c.halo;
        ctx.stroke();
      }
    }

    if (sketch) {
      const [kx, ky] = at(...sketch);
      ctx.beginPath();
      ctx.moveTo(kx, ky + 8);
      ctx.lineTo(kx - 8, ky - 6);
      ctx.lineTo(kx + 8, ky - 6);
      ctx.closePath();
      ctx.fillStyle = c.b;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = c.halo;
      ctx.stroke();
    }

    if (pinned) {
      const [px, py] = at(...pinned);
      ctx.beginPath();
      ctx.arc(px, py, 9, 0, 2 * Math.PI);
      strokeOverHalo(ctx, c, 1.5, 3.5);
    }

    if (path) drawPath(ctx, c, at, path, frame, c.line);
    if (traverse) drawPath(ctx, c, at, traverse, traverseFrame, c.a, [5, 4]);

    if (highlight) {
      const [hx, hy] = at(...highlight);
      ctx.beginPath();
      ctx.arc(hx, hy, 11, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = c.a;
      ctx.stroke();
    }

    const label = (p: [number, number] | null, text: string, color: string) => {
      if (!p) return;
      const [sx, sy] = at(...p);
      ctx.beginPath();
      ctx.arc(sx, sy, 8, 0, 2 * Math.PI);
      ctx.fillStyle = color;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = c.halo;
      ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.font = "600 10px system-ui, -apple-system, 'Segoe UI', sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(text, sx, sy + 0.5);
    };
    label(a, "A", c.a);
    label(b, "B", c.b);

    if (hover) {
      // Larger than the dot, in its own colour, in a ring of the text colour over a halo.
      const [hx, hy] = at(...hover.at);
      const r = Math.max(pointSizeOnScreen(hover.size, Math.hypot(view[1], view[5])) / 2 + 2.5, 4.5);
      ctx.beginPath();
      ctx.arc(hx, hy, r, 0, 2 * Math.PI);
      ctx.fillStyle = hover.color;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(hx, hy, r + 1.5, 0, 2 * Math.PI);
      strokeOverHalo(ctx, c, 2, 4.5);
    }
  }
}

/** How many marks `state` draws: each ring, sample and marker, and each path as one. */
export function countMarks(state: OverlayState): number {
  const finite = (xy: Float32Array | null) => {
    let n = 0;
    if (xy) for (let i = 0; i + 1 < xy.length; i += 2) if (Number.isFinite(xy[i]) && Number.isFinite(xy[i + 1])) n += 1;
    return n;
  };
  const path = (xy: Float32Array | null) => (xy && xy.length >= 4 ? 1 : 0);
  const one = (p: [number, number] | null) => (p ? 1 : 0);
  return (
    finite(state.rings) +
    finite(state.samples) +
    finite(state.located) +
    one(state.sketch) +
    path(state.path) +
    path(state.traverse) +
    one(state.pinned) +
    one(state.a) +
    one(state.b) +
    one(state.highlight)
  );
}

/** Stroke the current path as a line over a wider halo, so it reads on points of any colour. */
function strokeOverHalo(ctx: CanvasRenderingContext2D, colors: OverlayColors, line: number, halo: number): void {
  ctx.lineWidth = halo;
  ctx.strokeStyle = colors.halo;
  ctx.stroke();
  ctx.lineWidth = line;
  ctx.strokeStyle = colors.line;
  ctx.stroke();
}

type At = (x: number, y: number) => [number, number];

/** A path through normalised points x0 y0 x1 y1 ..., its frames dotted, frame `frame` marked. */
function drawPath(
  ctx: CanvasRenderingContext2D,
  c: OverlayColors,
  at: At,
  path: Float32Array,
  frame: number,
  color: string,
  dash: number[] = [],
): void {
  const n = Math.floor(path.length / 2);
  if (n < 2) return;
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const [sx, sy] = at(path[2 * i], path[2 * i + 1]);
    if (i === 0) ctx.moveTo(sx, sy);
    else ctx.lineTo(sx, sy);
  }
  ctx.setLineDash(dash);
  ctx.lineWidth = 5;
  ctx.strokeStyle = c.halo;
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.setLineDash([]);
  for (let i = 0; i < n; i++) {
    const [sx, sy] = at(path[2 * i], path[2 * i + 1]);
    ctx.beginPath();
    ctx.arc(sx, sy, 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
  }
  const f = Math.min(Math.max(frame, 0), n - 1);
  const [fx, fy] = at(path[2 * f], path[2 * f + 1]);
  ctx.beginPath();
  ctx.arc(fx, fy, 6.5, 0, 2 * Math.PI);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = c.halo;
  ctx.stroke();
}
