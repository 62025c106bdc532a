// Linked hover: explorers tied with `lw.link` share a `_link_group` id; the point hovered in one is
// highlighted in the others through this in-page bus, with no kernel message. Every widget view of
// a notebook page runs in the same JS realm, but anywidget imports the bundle once per model (from a
// blob URL each), so the map of groups lives on globalThis, not in this module's own scope.

/** Told the index hovered (-1: none) by another view of the group. */
export type HoverListener = (index: number) => void;

const BUS = Symbol.for("latentwidgets.link-groups");
const registry = globalThis as typeof globalThis & { [BUS]?: Map<string, Set<HoverListener>> };
registry[BUS] ??= new Map();
const groups = registry[BUS];

/** Listen to `group`'s hovers; returns the function that stops listening. */
export function join(group: string, listener: HoverListener): () => void {
  let members = groups.get(group);
  if (!members) {
    members = new Set();
    groups.set(group, members);
  }
  members.add(listener);
  return () => {
    const current = groups.get(group);
    if (!current) return;
    current.delete(listener);
    if (current.size === 0) groups.delete(group);
  };
}

/** Tell every listener of `group` but `from` that `index` is hovered. */
export function publish(group: string, index: number, from: HoverListener): void {
  // A copy: a listener may leave (or join) the group while being told.
  for (const listener of [...(groups.get(group) ?? [])]) {
    if (listener === from) continue;
    try {
      listener(index);
    } catch (error) {
      console.error("latentwidgets: a linked view failed to follow a hover", error);
    }
  }
}

/** How many views listen to `group` (for tests). */
export function groupSize(group: string): number {
  return groups.get(group)?.size ?? 0;
}

/** One view's membership: follows `_link_group`, publishes its own hovers, applies the others'. */
export class HoverLink {
  private group = "";
  private leave: (() => void) | null = null;
  private readonly listener: HoverListener;

  constructor(onRemoteHover: HoverListener) {
    this.listener = (index) => onRemoteHover(index);
  }

  /** Join `group` ("" = not linked), leaving the previous one. */
  setGroup(group: string): void {
    if (group === this.group) return;
    this.leave?.();
    this.leave = null;
    this.group = group;
    if (group) this.leave = join(group, this.listener);
  }

  /** This view hovers `index` (-1: none): tell the others. */
  publish(index: number): void {
    if (this.group) publish(this.group, index, this.listener);
  }

  destroy(): void {
    this.setGroup("");
  }
}
