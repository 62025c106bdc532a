// The `preview` and `probe` command responses, decoded.
import type { AudioClip, Preview, PreviewItem } from "./types";

/** The `preview` command failed on the Python side (its response carried `error`). */
export class PreviewError extends Error {}

function parseItem(name: string, item: unknown, buffers: readonly DataView[]): PreviewItem | null {
  if (item === null || item === undefined) return null;
  if (typeof item !== "object") throw new TypeError(`preview ${name} must be an object or null; got ${typeof item}`);
  const it = item as Record<string, unknown>;
  if (it.kind === "text") return { kind: "text", text: String(it.text ?? "") };
  if (it.kind !== "image") throw new TypeError(`preview ${name}.kind must be "image" or "text"; got ${String(it.kind)}`);
  const { width, height, buffer } = it;
  if (!(Number.isInteger(width) && Number.isInteger(height) && (width as number) > 0 && (height as number) > 0)) {
    throw new RangeError(`preview ${name} needs positive integer width and height; got ${String(width)}x${String(height)}`);
  }
  if (!(Number.isInteger(buffer) && (buffer as number) >= 0 && (buffer as number) < buffers.length)) {
    throw new RangeError(`preview ${name}.buffer must index one of ${buffers.length} buffers; got ${String(buffer)}`);
  }
  const view = buffers[buffer as number];
  const w = width as number;
  const ht = height as number;
  if (view.byteLength !== w * ht * 4) {
    throw new RangeError(`preview ${name} is ${w}x${ht} RGBA (${w * ht * 4} bytes); its buffer has ${view.byteLength}`);
  }
  // Copied: the cache must not keep a message's whole buffer alive through a view.
  const data = new Uint8ClampedArray(view.byteLength);
  data.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const image = { width: w, height: ht, data };
  const audio = parseAudio(name, it, buffers);
  return audio ? { kind: "image", image, audio } : { kind: "image", image };
}

/**
 * The sound of an audio preview's picture: `audio` (the index of its WAV buffer), `sample_rate`
 * (Hz) and `duration` (s) on the image descriptor; null where the descriptor has no `audio`.
 */
function parseAudio(name: string, it: Record<string, unknown>, buffers: readonly DataView[]): AudioClip | null {
  const { audio, sample_rate: rate, duration } = it;
  if (audio === undefined || audio === null) return null;
  if (!(Number.isInteger(audio) && (audio as number) >= 0 && (audio as number) < buffers.length)) {
    throw new RangeError(`preview ${name}.audio must index one of ${buffers.length} buffers; got ${String(audio)}`);
  }
  if (!(Number.isInteger(rate) && (rate as number) > 0)) {
    throw new RangeError(`preview ${name}.sample_rate must be a positive integer (Hz); got ${String(rate)}`);
  }
  if (!(typeof duration === "number" && Number.isFinite(duration) && duration >= 0)) {
    throw new RangeError(`preview ${name}.duration must be a number of seconds >= 0; got ${String(duration)}`);
  }
  const view = buffers[audio as number];
  const wav = new Uint8Array(view.byteLength);
  wav.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return { wav, sampleRate: rate as number, duration };
}

/** Turn a `preview` response and its buffers into a Preview; throws PreviewError on `error`. */
export function parsePreview(response: unknown, buffers: readonly DataView[]): Preview {
  if (typeof response !== "object" || response === null) {
    throw new TypeError(`preview response must be an object; got ${response === null ? "null" : typeof response}`);
  }
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new PreviewError(r.error);
  return {
    index: Number(r.index),
    recon: parseItem("recon", r.recon, buffers),
    input: parseItem("input", r.input, buffers),
    fields: parseFields(r.fields),
  };
}

/**
 * Turn a `preview_batch` response into the previews it carries, by point index: a point the kernel
 * could not preview (its entry has `error`) is left out; throws PreviewError on a whole-batch `error`.
 */
export function parsePreviewBatch(response: unknown, buffers: readonly DataView[]): Map<number, Preview> {
  if (typeof response !== "object" || response === null) {
    throw new TypeError(`preview_batch response must be an object; got ${response === null ? "null" : typeof response}`);
  }
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new PreviewError(r.error);
  if (!Array.isArray(r.previews)) throw new TypeError(`preview_batch response needs a previews list; got ${typeof r.previews}`);
  const previews = new Map<number, Preview>();
  for (const entry of r.previews) {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e.error === "string" || !Number.isInteger(e.index)) continue;
    previews.set(e.index as number, parsePreview(e, buffers));
  }
  return previews;
}

/** `fields`: [name, value] pairs for the hover card; anything malformed is left out. */
export function parseFields(fields: unknown): [string, string][] {
  if (!Array.isArray(fields)) return [];
  return fields
    .filter((f): f is unknown[] => Array.isArray(f) && f.length === 2)
    .map(([name, value]) => [String(name), String(value)] as [string, string]);
}

/** A decoded probe: the image the kernel made for map coordinates (x, y). */
export interface ProbeResult {
  x: number;
  y: number;
  exact: boolean;
  recon: PreviewItem | null;
}

/** Turn a `probe` response and its buffers into a ProbeResult; throws PreviewError on `error`. */
export function parseProbe(response: unknown, buffers: readonly DataView[]): ProbeResult {
  if (typeof response !== "object" || response === null) {
    throw new TypeError(`probe response must be an object; got ${response === null ? "null" : typeof response}`);
  }
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new PreviewError(r.error);
  return { x: Number(r.x), y: Number(r.y), exact: r.exact === true, recon: parseItem("recon", r.recon, buffers) };
}

/** Bytes a preview holds, for the LRU's budget. */
export function previewBytes(preview: Preview): number {
  const size = (item: PreviewItem | null) =>
    item === null ? 0 : item.kind === "image" ? item.image.data.byteLength + (item.audio?.wav.byteLength ?? 0) : item.text.length * 2;
  return 64 + size(preview.recon) + size(preview.input);
}
