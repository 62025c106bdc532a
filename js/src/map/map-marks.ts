// What the overlay draws over the points for the other views: the interpolation and traversal
// paths with their current frames, the A/B and pinned markers, neighbours' rings, samples and
// one highlighted point or sample.

import { pathArray } from "../wire/trait-arrays";
import { int, type Model } from "../wire/traits";
import type { PathOverlay } from "./overlay";
import { type Normalisation, normalise } from "./points";

/** Marks over the points that other views ask for: neighbours' rings, samples, one highlight. */
export interface Marks {
  rings: readonly number[];
  /** Raw map coordinates of sampled codes, x0 y0 x1 y1 ... */
  samples: Float32Array | null;
  /** Raw map coordinates of located items, x0 y0 x1 y1 ..., and of the sketch. */
  located: Float32Array | null;
  sketch: [number, number] | null;
  /** A point (index) or a sample (`sample` number) to emphasise, or null. */
  highlight: { index: number } | { sample: number } | null;
}

/** Where the marks go: a point's normalised position (null where it is not drawn), the frame. */
export interface MarkPlaces {
  pointAt: (index: number) => [number, number] | null;
  norm: () => Normalisation | null;
}

export class MapMarks {
  private frame = 0;
  private traverseFrame = 0;
  private marks: Marks = { rings: [], samples: null, located: null, sketch: null, highlight: null };

  constructor(
    private readonly model: Model,
    private readonly overlay: PathOverlay | null,
    private readonly places: MarkPlaces,
  ) {}

  setFrame(frame: number): void {
    this.frame = frame;
    this.overlay?.update({ frame });
  }

  setTraverseFrame(frame: number): void {
    this.traverseFrame = frame;
    this.overlay?.update({ traverseFrame: frame });
  }

  set(patch: Partial<Marks>): void {
    this.marks = { ...this.marks, ...patch };
    this.update();
  }

  /** Redraw the paths, the markers and the marks from the model and the views. */
  update(): void {
    if (!this.overlay) return;
    const { pointAt } = this.places;
    const { rings, samples, located, sketch, highlight } = this.marks;
    const ringXY = new Float32Array(rings.length * 2);
    for (const [i, index] of rings.entries()) ringXY.set(pointAt(index) ?? [Number.NaN, Number.NaN], 2 * i);
    const sampleXY = this.normalised(samples);
    let mark: [number, number] | null = null;
    if (highlight && "index" in highlight) mark = pointAt(highlight.index);
    else if (highlight && sampleXY && 2 * highlight.sample + 1 < sampleXY.length) {
      mark = [sampleXY[2 * highlight.sample], sampleXY[2 * highlight.sample + 1]];
    }
    this.overlay.update({
      path: this.normalised(pathArray(this.model, "_path")),
      frame: this.frame,
      traverse: this.normalised(pathArray(this.model, "_traverse_path")),
      traverseFrame: this.traverseFrame,
      a: pointAt(int(this.model.get("interp_a"))),
      b: pointAt(int(this.model.get("interp_b"))),
      pinned: pointAt(int(this.model.get("pinned"))),
      rings: rings.length ? ringXY : null,
      samples: sampleXY,
      located: this.normalised(located),
      sketch: this.normalisedPoint(sketch),
      highlight: mark,
    });
  }

  private normalisedPoint(raw: [number, number] | null): [number, number] | null {
    const norm = this.places.norm();
    return raw && norm ? normalise(norm, raw[0], raw[1]) : null;
  }

  /** Raw x0 y0 x1 y1 ... normalised like the points (null without points). */
  private normalised(raw: Float32Array | null): Float32Array | null {
    const norm = this.places.norm();
    if (!raw || !norm) return null;
    const out = new Float32Array(raw.length);
    for (let i = 0; i + 1 < raw.length; i += 2) out.set(normalise(norm, raw[i], raw[i + 1]), i);
    return out;
  }
}
