// The hand-written wire types: what the traits and commands of contract.ts carry (docs/widget-contract.md).

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

/** An RGBA image as plain data, so that non-DOM code (and tests) can handle it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A sound the kernel decoded: 16-bit PCM WAV bytes, its sample rate (Hz) and length (s). */
export interface AudioClip {
  wav: Uint8Array;
  sampleRate: number;
  duration: number;
}

/** A picture (with its sound where the preview is audio: the picture is its waveform) or a text. */
export type PreviewItem = { kind: "image"; image: RgbaImage; audio?: AudioClip } | { kind: "text"; text: string };

/** A decoded `preview` command response. */
export interface Preview {
  index: number;
  recon: PreviewItem | null;
  input: PreviewItem | null;
  /** Label and metadata values of the point, [name, value] (for the hover card). */
  fields: [string, string][];
}
