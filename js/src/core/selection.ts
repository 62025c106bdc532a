// The selected points: one list behind the map's highlight, the selection count and `_selection`.
import { decodeOptional, encodeArray } from "../wire/codecs";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { type Model, save } from "../wire/traits";
import { Signal } from "./signal";

/** The map's pick and its lasso's end arrive within this many ms of each other. */
const LASSO_PICK_MS = 500;

export class Selection {
  /** The selection changed (from anywhere). */
  readonly changed = new Signal<readonly number[]>();
  /** A selection the map does not show yet (from Python, a legend click, Esc): highlight it. */
  readonly toShow = new Signal<readonly number[]>();
  /** The points a lasso, a box or a legend click may select: those that pass the filter. */
  selectable: (indices: number[]) => number[] = (indices) => indices;
  private current: number[] = [];
  /** The map's last pick: the selection before it and when, so that a refused lasso undoes it. */
  private lastPick: { before: number[]; at: number } | null = null;
  private saving = false;

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    private readonly fail: (message: string) => void,
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
    this.toShow.emit(indices);
    this.changed.emit(indices);
  }

  /** Take a selection the map already shows (lasso, box, click) and send it to Python. */
  fromMap(picked: number[]): void {
    this.lastPick = { before: this.current, at: Date.now() };
    const indices = this.selectable(picked);
    // The map highlights all it picked: show it what is selected.
    if (indices.length !== picked.length) this.toShow.emit(indices);
    if (sameIndices(indices, this.current)) return;
    this.current = indices;
    this.changed.emit(indices);
    this.saving = true;
    try {
      save(this.model, { _selection: encodeArray(Uint32Array.from(indices)) });
    } finally {
      this.saving = false;
    }
  }

  set(indices: number[]): void {
    this.toShow.emit(indices);
    this.fromMap(indices);
  }

  /**
   * A lasso or box on a sampled map (raw polygon x0 y0 x1 y1 ...): the drawn points inside it were
   * just selected on the map; the kernel adds the others, and the selection comes back.
   */
  selectRegion(polygon: number[]): void {
    // The map picked the drawn points inside this lasso just before (a separate event, ms
    // earlier); an older pick (a click before the lasso was drawn) is not this lasso's.
    const pick = this.lastPick && Date.now() - this.lastPick.at < LASSO_PICK_MS ? this.lastPick : null;
    this.lastPick = null;
    const picked = ascending(this.current);
    // Refused (a polygon beyond the kernel's limits): nothing of the lasso is selected, unless
    // another selection has replaced its pick meanwhile (Python echoes it back sorted).
    this.ask(COMMANDS.selectRegion, { polygon, merge: true }, () => {
      if (pick && sameIndices(ascending(this.current), picked)) this.set([...pick.before]);
    });
  }

  /**
   * Select the points of category `code`, added to the current selection with `merge`. On a
   * `sampled` map the kernel selects among all points.
   */
  selectCategory(codes: ArrayLike<number>, code: number, merge: boolean, sampled: boolean): void {
    if (sampled) {
      this.ask(COMMANDS.selectCategory, { code, merge });
      return;
    }
    const picked: number[] = merge ? [...this.current] : [];
    const seen = merge ? new Set(picked) : null;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === code && !seen?.has(i)) picked.push(i);
    }
    this.set(picked);
  }

  private ask(command: string, msg: object, refused?: () => void): void {
    this.invoke<{ error?: string }>(command, msg).then(
      ([response]) => {
        if (!response?.error) return;
        this.fail(`selection: ${response.error}`);
        refused?.();
      },
      (error: unknown) => this.fail(`selection: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

function ascending(indices: readonly number[]): number[] {
  return [...indices].sort((a, b) => a - b);
}

export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
