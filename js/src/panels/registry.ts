// Every panel the user may open, in layout order (the order of PANELS in the contract). A new
// panel is a module of its own and one line here.
import { InterpolationPanel } from "./interpolation";
import { LocatedPanel } from "./located";
import { NeighboursPanel } from "./neighbours";
import type { PanelType } from "./panel";
import { PreviewPanel } from "./preview";
import { SamplesPanel } from "./samples";
import { SketchPanel } from "./sketch";
import { TraversePanel } from "./traverse";
import { WorstPanel } from "./worst";

export const PANEL_TYPES: readonly PanelType[] = [
  (ctx) => new PreviewPanel(ctx),
  (ctx) => new InterpolationPanel(ctx),
  (ctx) => new NeighboursPanel(ctx),
  (ctx) => new TraversePanel(ctx),
  (ctx) => new SamplesPanel(ctx),
  (ctx) => new WorstPanel(ctx),
  (ctx) => new LocatedPanel(ctx),
  (ctx) => new SketchPanel(ctx),
];
