// The selected points: one list behind the map's highlight, the selection count and `_selection`.
import { decodeOptional, encodeArray } from "./codecs";
import type { Invoke } from "./invoke";
import { type Model, save } from "./traits";

export interface SelectionHooks {
  /** Highlight `indices` on the map (without it reporting a selection back). */
  showOnMap: (indices: readonly number[]) => void;
  showCount: (count: number) => void;
  /** Whether the map draws a sample: the kernel then selects among all points. */
  sampled: () => boolean;
  fail: (message: string) => void;
}

export class Selection {
  private current: number[] = [];
  private saving = false;

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
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

  /**
   * A lasso or box on a sampled map (raw polygon x0 y0 x1 y1 ...): the drawn points inside it were
   * just selected on the map; the kernel adds the others, and the selection comes back.
   */
  selectRegion(polygon: number[]): void {
    this.ask("select_region", { polygon, merge: true });
  }

  /** Select the points of category `code`, added to the current selection with `merge`. */
  selectCategory(codes: ArrayLike<number>, code: number, merge: boolean): void {
    if (this.hooks.sampled()) {
      this.ask("select_category", { code, merge });
      return;
    }
    const picked: number[] = merge ? [...this.current] : [];
    const seen = merge ? new Set(picked) : null;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === code && !seen?.has(i)) picked.push(i);
    }
    this.set(picked);
  }

  private ask(command: string, msg: object): void {
    this.invoke<{ error?: string }>(command, msg).then(
      ([response]) => {
        if (response?.error) this.hooks.fail(`selection: ${response.error}`);
      },
      (error: unknown) => this.hooks.fail(`selection: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
