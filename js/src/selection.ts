// The selected points: one list behind the map's highlight, the selection count and `_selection`.
import { decodeOptional, encodeArray } from "./codecs";
import { type Model, save } from "./traits";

export interface SelectionHooks {
  /** Highlight `indices` on the map (without it reporting a selection back). */
  showOnMap: (indices: readonly number[]) => void;
  showCount: (count: number) => void;
}

export class Selection {
  private current: number[] = [];
  private saving = false;

  constructor(
    private readonly model: Model,
    private readonly hooks: SelectionHooks,
  ) {}

  get indices(): readonly number[] {
    return this.current;
  }

  /** Whether a `_selection` change event is our own write coming back. */
  get echoing(): boolean {
    return this.saving;
  }

  /** Take `_selection` as Python set it. */
  fromModel(): void {
    let indices: number[] = [];
    try {
      const decoded = decodeOptional("_selection", this.model.get("_selection"), {
        dtypes: ["uint32", "int32"],
        shape: [-1],
      });
      indices = decoded ? Array.from(decoded.data) : [];
    } catch (error) {
      console.warn("latentwidgets: ignoring _selection", error);
      return;
    }
    if (sameIndices(indices, this.current)) return;
    this.current = indices;
    this.hooks.showOnMap(indices);
    this.hooks.showCount(indices.length);
  }

  /** Take a selection the map already shows (lasso, box, click) and send it to Python. */
  fromMap(indices: number[]): void {
    if (sameIndices(indices, this.current)) return;
    this.current = indices;
    this.hooks.showCount(indices.length);
    this.saving = true;
    try {
      save(this.model, { _selection: encodeArray(Uint32Array.from(indices)) });
    } finally {
      this.saving = false;
    }
  }

  set(indices: number[]): void {
    this.hooks.showOnMap(indices);
    this.fromMap(indices);
  }

  /** Select the points of category `code`, added to the current selection with `merge`. */
  selectCategory(codes: ArrayLike<number>, code: number, merge: boolean): void {
    const picked: number[] = merge ? [...this.current] : [];
    const seen = merge ? new Set(picked) : null;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === code && !seen?.has(i)) picked.push(i);
    }
    this.set(picked);
  }
}

export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
