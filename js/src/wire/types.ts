// The LatentExplorer model's traits, mirroring docs/widget-contract.md (v1).

/** Element types an array may travel as (the Python side narrows float64/int64 before sending). */
export type Dtype = "float32" | "int32" | "uint32" | "uint16" | "int16" | "uint8" | "int8";

/** A bulk array on the wire: anywidget turns Python bytes into a DataView. */
export interface BinaryArray {
  view: DataView;
  dtype: Dtype;
  shape: number[];
}

export type StatusState = "idle" | "busy" | "error";

export interface Status {
  state: StatusState;
  message: string;
  progress: number | null;
}

export type ColorKind = "categorical" | "continuous" | "none";
export type InterpMethod = "slerp" | "lerp";
export type ColorScale = "linear" | "log" | "quantile";

/** Main parameters per projection, e.g. {tsne: {perplexity: 30}, umap: {n_neighbors: 15, min_dist: 0.1}}. */
export type ProjectionParams = Record<string, Record<string, number>>;

export interface ExplorerTraits {
  _points: BinaryArray | null;
  /** Points drawn at most; above it a sample, the view's points and a density image (sampled-map.ts). */
  max_drawn: number;
  _n_points: number;
  /** 0: every point drawn; else point i is drawn iff pointHash(i) < this (drawn-set.ts). */
  _draw_threshold: number;
  /** [x0, x1, y0, y1] of all points. */
  _extent: number[];
  /** uint8 (G, G) density of all points over the square that [-1, 1]^2 shows, top row first. */
  _density: BinaryArray | null;
  /** Points of each category among all points of a sampled map ([] otherwise: count the drawn). */
  _color_counts: number[];
  _points_projection: string;
  projection: string;
  _projection_options: string[];
  color_by: string;
  _color_options: string[];
  _colors: BinaryArray | null;
  _color_kind: ColorKind;
  _color_categories: string[];
  _color_range: [number, number] | number[];
  _selection: BinaryArray | null;
  pinned: number;
  interp_a: number;
  interp_b: number;
  interp_steps: number;
  interp_method: InterpMethod;
  _frames: BinaryArray | null;
  _path: BinaryArray | null;
  _status: Status;
  point_size: number;
  opacity: number;
  _has_decoder: boolean;
  height: number;
  _neighbours: BinaryArray | null;
  _neighbour_overlap: number;
  neighbours_k: number;
  traverse_direction: string;
  _traverse_options: string[];
  traverse_span: number;
  traverse_steps: number;
  _traverse_frames: BinaryArray | null;
  _traverse_path: BinaryArray | null;
  _samples: BinaryArray | null;
  _sample_points: BinaryArray | null;
  _worst: BinaryArray | null;
  color_scale: ColorScale;
  _color_ticks: [number, string][];
  _probe_exact: boolean;
  dims: number[];
  projection_params: ProjectionParams;
  _axis_labels: string[];
  _legend_images: BinaryArray | null;
  _link_group: string;
  _history: BinaryArray | null;
  _history_names: string[];
  _history_decoders: boolean[];
  _model_version: number;
}

/** An RGBA image as plain data, so that non-DOM code (and tests) can handle it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type PreviewItem = { kind: "image"; image: RgbaImage } | { kind: "text"; text: string };

/** A decoded `preview` command response. */
export interface Preview {
  index: number;
  recon: PreviewItem | null;
  input: PreviewItem | null;
  /** Label and metadata values of the point, [name, value] (for the hover card). */
  fields: [string, string][];
}
