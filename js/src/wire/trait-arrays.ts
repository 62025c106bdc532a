// Bulk arrays of the model, read safely: paths, frames of images, index lists (a malformed one is
// ignored with a warning: the rest of the widget goes on).
import { type Decoded, decodeOptional } from "./codecs";
import type { Model } from "./traits";
import type { RgbaImage } from "./types";

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

/** Frame `f` of uint8 [F, H, W, 4] frames, as a view (no copy). */
export function frameImage(frames: Decoded<"uint8">, f: number): RgbaImage {
  const [count, height, width] = frames.shape;
  if (f < 0 || f >= count) throw new RangeError(`frame ${f} is outside 0..${count - 1}`);
  const bytes = height * width * 4;
  const { buffer, byteOffset } = frames.data;
  return { width, height, data: new Uint8ClampedArray(buffer as ArrayBuffer, byteOffset + f * bytes, bytes) };
}

/** The uint32 indices of an index-list trait, or none (a malformed one is ignored, with a warning). */
export function readIndices(model: Model, name: "_neighbours" | "_worst"): number[] {
  try {
    const decoded = decodeOptional(name, model.get(name), { dtypes: ["uint32"], shape: [-1] });
    return decoded ? Array.from(decoded.data) : [];
  } catch (error) {
    console.warn(`latentwidgets: ignoring ${name}`, error);
    return [];
  }
}
