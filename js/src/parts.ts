// Which part of the widget each trait's change redraws (index.ts batches them per microtask).
import type { ExplorerTraits } from "./types";

export type Part =
  | "points"
  | "colors"
  | "selection"
  | "style"
  | "status"
  | "controls"
  | "interp"
  | "frames"
  | "path"
  | "pinned"
  | "height"
  | "neighbours"
  | "traverse"
  | "traverseFrames"
  | "samples"
  | "worst"
  | "axes"
  | "link"
  | "history"
  | "decoder";

/** What each trait's change redraws. */
export const TRAIT_PARTS: Record<keyof ExplorerTraits, Part[]> = {
  _points: ["points", "history"],
  max_drawn: [],
  _n_points: ["points"],
  _draw_threshold: ["points"],
  _extent: ["points"],
  _density: ["points"],
  _color_counts: ["colors"],
  _points_projection: ["controls"],
  projection: ["controls"],
  _projection_options: ["controls"],
  color_by: ["controls", "colors"],
  _color_options: ["controls"],
  _colors: ["colors"],
  _color_kind: ["colors", "controls"],
  _color_categories: ["colors"],
  _color_range: ["colors"],
  _selection: ["selection"],
  pinned: ["pinned", "neighbours"],
  interp_a: ["interp"],
  interp_b: ["interp"],
  interp_steps: ["interp"],
  interp_method: ["interp"],
  _frames: ["frames"],
  _path: ["path"],
  _status: ["status"],
  point_size: ["style"],
  opacity: ["style"],
  _has_decoder: ["pinned", "interp", "controls", "neighbours"],
  height: ["height"],
  _neighbours: ["neighbours"],
  _neighbour_overlap: ["neighbours"],
  neighbours_k: ["neighbours"],
  traverse_direction: ["traverse"],
  _traverse_options: ["traverse", "controls"],
  traverse_span: ["traverse"],
  traverse_steps: ["traverse"],
  _traverse_frames: ["traverseFrames"],
  _traverse_path: ["path"],
  _samples: ["samples"],
  _sample_points: ["samples"],
  _worst: ["worst"],
  color_scale: ["controls"],
  _color_ticks: ["colors"],
  _probe_exact: ["controls"],
  dims: ["controls"],
  projection_params: ["controls"],
  _axis_labels: ["axes"],
  _legend_images: ["colors"],
  _link_group: ["link"],
  _history: ["history"],
  _history_names: ["history"],
  _history_decoders: ["history"],
  _model_version: ["decoder"],
};
