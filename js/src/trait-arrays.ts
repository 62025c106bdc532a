// Bulk arrays of the model read for drawing: point colours from the colour traits, and paths.
import { decodeOptional } from "./codecs";
import { pointColors } from "./colors";
import { type Model, strings } from "./traits";

export interface ColorArrays {
  /** Per-point colour input for regl-scatterplot (palette positions), or null for no colour. */
  colors: ReturnType<typeof pointColors>;
  /** Category code of each point, for picking by category; null unless categorical. */
  codes: ArrayLike<number> | null;
}

/** The points' colours as the colour traits say; a malformed `_colors` is ignored, with a warning. */
export function colorArrays(model: Model, n: number): ColorArrays {
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
  const range = (model.get("_color_range") ?? []) as number[];
  const colors = pointColors(kind, data, n, range, strings(model, "_color_categories"));
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
