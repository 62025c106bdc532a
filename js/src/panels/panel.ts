// What a panel is, and what it may use of the rest of the widget. Panels never reach each other:
// whatever they share (the map's marks, previews, the selection, the A/B pick) comes through the
// context, which index.ts builds from the core once, before any panel.
import type { Previews } from "../core/previews";
import type { Signal } from "../core/signal";
import type { Marks } from "../map/map-marks";
import type { PANELS, Part } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import type { Model } from "../wire/traits";

export type PanelName = (typeof PANELS)[number];
export type PickTarget = "a" | "b";
/** A key on the widget for the frame player: a step back or forward, or play / pause. */
export type FrameKey = -1 | 1 | "play";

export interface Panel {
  /** Its entry in `panels` (PANELS) and its `data-panel`. */
  readonly name: PanelName;
  /** Its name in the panels menu. */
  readonly title: string;
  /** Beside the map (the side column) or below it (the row under the map). */
  readonly place: "side" | "below";
  /** The parts it shows: TRAIT_PARTS routes a trait's change to it through these. */
  readonly parts: readonly Part[];
  /** Its element; the layout places it, and hides it while the panel is closed. */
  readonly root: HTMLElement;
  /** Show the model again for `changed` (all of `parts` when the panel opens). */
  apply(changed: ReadonlySet<Part>): void;
  /** The user closed it: take back what it shows outside itself (its marks on the map). */
  close?(): void;
  destroy(): void;
}

/** The marks a panel may put over the map (rings, sample diamonds, a highlight, path frames). */
export interface MapMarksAccess {
  set(patch: Partial<Marks>): void;
  setFrame(frame: number): void;
  setTraverseFrame(frame: number): void;
}

/** The A/B pick of the interpolation ends, which the map's clicks and keys complete. */
export interface Picking {
  readonly target: PickTarget | null;
  /** Arm `target` for the next click on a point, or disarm it. */
  toggle(target: PickTarget): void;
  /** The armed target changed. */
  readonly armed: Signal<PickTarget | null>;
}

export interface PanelContext {
  readonly model: Model;
  readonly invoke: Invoke;
  /** Previews by point index, cached; the panel that shows the hovered point listens to `shown`. */
  readonly previews: Previews;
  readonly marks: MapMarksAccess;
  readonly selection: { readonly indices: readonly number[]; readonly changed: Signal<readonly number[]> };
  readonly picking: Picking;
  /** Arrow keys and space on the widget, for the panel that plays frames. */
  readonly frameKeys: Signal<FrameKey>;
  /** Put a fact on the widget's root, as `data-<name>` (the DOM testing contract). */
  report(name: string, value: string): void;
}

/** Builds one kind of panel; registry.ts lists them. */
export type PanelType = (ctx: PanelContext) => Panel;
