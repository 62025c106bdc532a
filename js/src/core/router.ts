// Trait changes -> the views that show them. Each view names the parts it shows; TRAIT_PARTS names
// the parts each trait's change touches; a view is applied when the two meet, once per batch.
import { type ExplorerTraits, type Part, TRAIT_PARTS } from "../wire/contract";
import type { Model } from "../wire/traits";

/** Anything that shows parts of the model: the map, the toolbar, a panel. */
export interface View {
  readonly parts: readonly Part[];
  /** Show the model again for `changed` (only parts this view lists). */
  apply(changed: ReadonlySet<Part>): void;
}

/** Every part the contract knows. */
export const ALL_PARTS: ReadonlySet<Part> = new Set(Object.values(TRAIT_PARTS).flat());

/** The parts touched by a change of `traits`. */
export function partsOf(traits: Iterable<keyof ExplorerTraits>): Set<Part> {
  const parts = new Set<Part>();
  for (const trait of traits) for (const part of TRAIT_PARTS[trait]) parts.add(part);
  return parts;
}

/** The parts of `changed` that `view` shows (empty: the view is left alone). */
export function partsFor(view: View, changed: ReadonlySet<Part>): Set<Part> {
  return new Set(view.parts.filter((part) => changed.has(part)));
}

export interface RouterHooks {
  /** The views to bring up to date, in order (closed panels left out). */
  views: () => Iterable<View>;
  /** A trait changed; false: ignore this change (our own write coming back). */
  accept: (trait: keyof ExplorerTraits) => boolean;
  /** A view failed to apply a change. */
  fail: (part: string, error: unknown) => void;
}

export class Router {
  private readonly dirty = new Set<Part>();
  private readonly stops: (() => void)[] = [];
  private queued = false;
  private stopped = false;

  constructor(
    model: Model,
    private readonly hooks: RouterHooks,
  ) {
    for (const trait of Object.keys(TRAIT_PARTS) as (keyof ExplorerTraits)[]) {
      const handler = () => {
        if (!hooks.accept(trait)) return;
        for (const part of TRAIT_PARTS[trait]) this.dirty.add(part);
        this.queue();
      };
      const event = `change:${trait}` as const;
      model.on(event, handler);
      this.stops.push(() => model.off(event, handler));
    }
  }

  /** Apply every part now (the first render). */
  applyAll(): void {
    for (const part of ALL_PARTS) this.dirty.add(part);
    this.flush();
  }

  destroy(): void {
    this.stopped = true;
    for (const stop of this.stops) stop();
  }

  /** Traits set together arrive as separate change events: apply them once, together. */
  private queue(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.stopped) this.flush();
    });
  }

  private flush(): void {
    const changed: ReadonlySet<Part> = new Set(this.dirty);
    this.dirty.clear();
    for (const view of this.hooks.views()) {
      const parts = partsFor(view, changed);
      if (parts.size === 0) continue;
      try {
        view.apply(parts);
      } catch (error) {
        this.hooks.fail([...parts].join(", "), error);
      }
    }
  }
}
