// The history slider: the maps of the snapshots kept by `update(keep=True)` travel at once in
// `_history` [S, N, 2], so scrubbing replays them here with no kernel message. The last position is
// the live map (`_points`): the last snapshot itself when nothing moved since it was kept.

import { h, listen } from "../ui/dom";
import { decodeOptional } from "../wire/codecs";
import { type Model, strings } from "../wire/traits";

export interface HistoryHooks {
  /** Draw these raw coordinates (a snapshot's, the units of `_points`), or the live map for null. */
  show: (coords: Float32Array | null) => void;
  /** How many snapshots can be replayed (0: the slider is hidden). */
  onCount: (count: number) => void;
  /**
   * The stop on show is snapshot `snapshot` of `_history` (-1: the live map); `generation` counts
   * the sets of stops (new `_history` renumbers them), for keys that must not outlive them.
   */
  onStop: (snapshot: number, generation: number) => void;
}

/** One stop of the slider: a snapshot's map, or the live map (null). */
export interface HistoryStop {
  name: string;
  coords: Float32Array | null;
  /** Its index in `_history`, the `snapshot` of a preview request; -1 for the live map. */
  snapshot: number;
  /** Whether the kernel kept that snapshot's decoder (its previews then use it). */
  decoder: boolean;
}

/**
 * The slider's stops: every snapshot of `maps` (S x N x 2, flat), then the live map `live`, which
 * takes the last snapshot's place (and name) when it is the same map. None below 2 snapshots, or
 * when the snapshots are not of the live map's N points.
 */
export function historyStops(
  maps: Float32Array | null,
  shape: readonly number[],
  names: readonly string[],
  live: Float32Array | null,
  decoders: readonly boolean[] = [],
): HistoryStop[] {
  const [count, n] = shape;
  if (!maps || count < 2 || !live || live.length !== 2 * n) return [];
  const stops: HistoryStop[] = [];
  for (let s = 0; s < count; s++) {
    const coords = maps.subarray(2 * n * s, 2 * n * (s + 1));
    stops.push({ name: names[s] ?? `snapshot ${s + 1}`, coords, snapshot: s, decoder: decoders[s] === true });
  }
  const last = stops[count - 1];
  if (last.coords && sameMap(last.coords, live)) Object.assign(last, { coords: null, snapshot: -1, decoder: false });
  else stops.push({ name: "live", coords: null, snapshot: -1, decoder: false });
  return stops;
}

/** What the note under the slider says about a stop's previews: nothing on the live map. */
export const CURRENT_DECODER_NOTE = "Previews use the current decoder";

/**
 * The note for a stop, or null on the live map and on a snapshot whose decoder was kept. Hovering
 * a past snapshot's point previews that snapshot's code of the item, decoded by the snapshot's
 * kept decoder, or by the current decoder when none was kept: then a picture may not be what the
 * decoder of that epoch made of it, and the widget says so.
 */
export function historyNote(stop: HistoryStop | undefined): string | null {
  return stop && stop.coords !== null && !stop.decoder ? CURRENT_DECODER_NOTE : null;
}

function sameMap(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class HistorySlider {
  readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly name: HTMLElement;
  private readonly note: HTMLElement;
  private readonly stops: (() => void)[];
  private positions: HistoryStop[] = [];
  private generation = 0;

  constructor(
    private readonly model: Model,
    private readonly hooks: HistoryHooks,
  ) {
    this.slider = h("input", { type: "range", class: "lw-history-slider", min: 0, max: 0, step: 1, value: 0, "aria-label": "Snapshot" });
    this.name = h("span", { class: "lw-history-name" });
    // On a line of its own under the slider (the row wraps), kept in the layout while invisible:
    // showing it must not move the slider under a dragging mouse, nor shrink the map.
    this.note = h("span", {
      class: "lw-history-note",
      role: "note",
      text: CURRENT_DECODER_NOTE,
      style: "flex: 1 0 100%; font-size: 11px; color: var(--lw-text-soft); visibility: hidden;",
    });
    this.root = h("div", { class: "lw-history", hidden: true, style: "flex-wrap: wrap; row-gap: 2px;" }, [
      h("span", { class: "lw-panel-title", text: "History" }),
      this.slider,
      this.name,
      this.note,
    ]);
    this.stops = [listen(this.slider, "input", () => this.showPosition(Number(this.slider.value)))];
  }

  /** Read `_history`, `_history_names` and `_points` again; the slider goes back to the live map. */
  apply(): void {
    let stops: HistoryStop[] = [];
    let snapshots = 0;
    try {
      const maps = decodeOptional("_history", this.model.get("_history"), { dtypes: ["float32"], shape: [-1, -1, 2] });
      const live = decodeOptional("_points", this.model.get("_points"), { dtypes: ["float32"], shape: [-1, 2] });
      const decoders = this.model.get("_history_decoders");
      stops = historyStops(
        maps?.data ?? null,
        maps?.shape ?? [],
        strings(this.model, "_history_names"),
        live?.data ?? null,
        Array.isArray(decoders) ? decoders.map((d) => d === true) : [],
      );
      snapshots = stops.length > 0 ? (maps?.shape[0] ?? 0) : 0;
    } catch (error) {
      console.warn("latentwidgets: ignoring _history", error);
    }
    this.positions = stops;
    this.generation++;
    this.root.hidden = stops.length === 0;
    this.slider.max = String(Math.max(0, stops.length - 1));
    this.slider.value = this.slider.max;
    this.slider.dataset.positions = String(stops.length);
    this.hooks.onCount(snapshots);
    this.showPosition(stops.length - 1);
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private showPosition(position: number): void {
    const stop = this.positions[position];
    this.name.textContent = stop?.name ?? "";
    const note = historyNote(stop);
    if (note !== null) this.note.textContent = note;
    this.note.style.visibility = note === null ? "hidden" : "visible";
    this.note.setAttribute("aria-hidden", String(note === null));
    this.slider.dataset.position = String(position);
    this.slider.dataset.snapshot = String(stop?.snapshot ?? -1);
    this.hooks.show(stop?.coords ?? null);
    this.hooks.onStop(stop?.snapshot ?? -1, this.generation);
  }
}
