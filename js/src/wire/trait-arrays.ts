// Bulk arrays of the model read for drawing: point colours from the colour traits, and paths.
import { type Decoded, decodeOptional } from "./codecs";
import { pointColors } from "./colors";
import { type Model, strings } from "./traits";

export interface ColorArrays {
  /** Per-point colour input for regl-scatterplot (palette positions), or null for no colour. */
  colors: ReturnType<typeof pointColors>;
  /** Category code of each point, for picking by category; null unless categorical. */
  codes: ArrayLike<number> | null;
}

/**
 * The points' colours as the colour traits say; a malformed `_colors` is ignored, with a warning.
 * `extra` holds the colour values of more points drawn after the `n` of `_colors` (`count` in all).
 */
export function colorArrays(model: Model, n: number, extra: ArrayLike<number> | null = null, count = n): ColorArrays {
  const kind = model.get("_color_kind");
  if (kind !== "categorical" && kind !== "continuous") return { colors: null, codes: null };
  let data: ArrayLike<number> | null;
  try {
    data =
      decodeOptional("_colors", model.get("_colors"), {
        dtypes: kind === "categorical" ? ["uint32", "int32", "uint16", "uint8"] : ["float32"],
        shape: [-1],
      })?.data ?? null;
  } catch (error) {
    console.warn("latentwidgets: ignoring _colors", error);
    return { colors: null, codes: null };
  }
  if (data && data.length === n && count > n) {
    const all = new Float32Array(count).fill(Number.NaN);
    all.set(data);
    if (extra && extra.length === count - n) all.set(extra, n);
    data = all;
  }
  const range = (model.get("_color_range") ?? []) as number[];
  const colors = pointColors(kind, data, count, range, strings(model, "_color_categories"));
  return { colors, codes: colors && kind === "categorical" ? data : null };
}

/** A path trait (`_path`, `_traverse_path`) as x0 y0 x1 y1 ...; a malformed one is ignored. */
export function pathArray(model: Model, name: "_path" | "_traverse_path"): Float32Array | null {
  try {
    return decodeOptional(name, model.get(name), { dtypes: ["float32"], shape: [-1, 2] })?.data ?? null;
  } catch (error) {
    console.warn(`latentwidgets: ignoring ${name}`, error);
    return null;
  }
}

/** The interpolation frames (`_frames`, F x H x W x 4), or null for none or a malformed one. */
export function framesArray(model: Model): Decoded<"uint8"> | null {
  try {
    const frames = decodeOptional("_frames", model.get("_frames"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    return frames && frames.shape[0] > 0 ? frames : null;
  } catch (error) {
    console.warn("latentwidgets: ignoring _frames", error);
    return null;
  }
}
