// Reading and writing the model's traits, shared by every view.
import type { AnyModel } from "@anywidget/types";
import type { ExplorerTraits } from "./contract";

export type Model = AnyModel<ExplorerTraits>;

/** An integer trait such as a point index; a malformed value reads as `fallback`. */
export function int(value: unknown, fallback = -1): number {
  return typeof value === "number" && Number.isInteger(value) ? value : fallback;
}

/** A list-of-strings trait; a missing value reads as none. */
export function strings(model: Model, name: "_projection_options" | "_color_options" | "_color_categories" | "_history_names"): string[] {
  return (model.get(name) ?? []) as string[];
}

/** Set traits and send them to the kernel together. */
export function save(model: Model, patch: Partial<ExplorerTraits>): void {
  for (const [key, value] of Object.entries(patch)) {
    model.set(key as keyof ExplorerTraits, value as never);
  }
  model.save_changes();
}

/** `value` rounded (unless `integer` is false) and kept within contract bounds [low, high]. */
export function clampTo(bounds: readonly [number, number], value: number, integer = true): number {
  const [low, high] = bounds;
  return Math.min(high, Math.max(low, integer ? Math.round(value) : value));
}
