// Binary arrays <-> typed arrays. Mirrors latentwidgets/_serialization.py.
import type { BinaryArray, Dtype } from "./types";

const CONSTRUCTORS = {
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint8: Uint8Array,
  int8: Int8Array,
} as const;

type Constructors = typeof CONSTRUCTORS;
export type TypedArrayOf<D extends Dtype> = InstanceType<Constructors[D]>;
export type AnyTypedArray = TypedArrayOf<Dtype>;

export interface Decoded<D extends Dtype = Dtype> {
  data: TypedArrayOf<D>;
  dtype: D;
  shape: number[];
}

function isDtype(value: unknown): value is Dtype {
  return typeof value === "string" && Object.hasOwn(CONSTRUCTORS, value);
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array of length ${value.length}`;
  return typeof value;
}

/** What an array must look like; -1 in `shape` accepts any length on that axis. */
export interface Expectation<D extends Dtype> {
  dtypes: readonly D[];
  shape?: readonly number[];
}

/**
 * Decode `{view, dtype, shape}` into a typed array.
 *
 * The view may be a window into a larger buffer, so its byteOffset and byteLength are honoured;
 * a window not aligned to the element size is copied (typed arrays cannot start there).
 */
export function decodeArray<D extends Dtype>(
  name: string,
  value: unknown,
  expect: Expectation<D>,
): Decoded<D> {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`${name} must be {view, dtype, shape}; got ${describe(value)}`);
  }
  const { view, dtype, shape } = value as Partial<BinaryArray>;
  if (!ArrayBuffer.isView(view)) {
    throw new TypeError(`${name}.view must be a DataView; got ${describe(view)}`);
  }
  if (!isDtype(dtype) || !(expect.dtypes as readonly string[]).includes(dtype)) {
    throw new TypeError(`${name}.dtype must be one of ${expect.dtypes.join(", ")}; got ${String(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new TypeError(`${name}.shape must be a list of non-negative integers; got ${JSON.stringify(shape)}`);
  }
  if (expect.shape) {
    const want = expect.shape;
    const fits = shape.length === want.length && want.every((w, i) => w < 0 || w === shape[i]);
    if (!fits) {
      const wanted = `[${want.map((w) => (w < 0 ? "*" : String(w))).join(", ")}]`;
      throw new RangeError(`${name} must have shape ${wanted}; got [${shape.join(", ")}]`);
    }
  }
  const Ctor = CONSTRUCTORS[dtype];
  const length = product(shape);
  const byteLength = length * Ctor.BYTES_PER_ELEMENT;
  if (view.byteLength !== byteLength) {
    throw new RangeError(
      `${name} has ${view.byteLength} bytes; shape [${shape.join(", ")}] of ${dtype} needs ${byteLength}`,
    );
  }
  const aligned = view.byteOffset % Ctor.BYTES_PER_ELEMENT === 0;
  const buffer = aligned
    ? view.buffer
    : view.buffer.slice(view.byteOffset, view.byteOffset + byteLength);
  const offset = aligned ? view.byteOffset : 0;
  const data = new Ctor(buffer as ArrayBuffer, offset, length) as TypedArrayOf<D>;
  return { data, dtype: dtype as D, shape: [...shape] };
}

/** Like decodeArray, but null/undefined give null. */
export function decodeOptional<D extends Dtype>(
  name: string,
  value: unknown,
  expect: Expectation<D>,
): Decoded<D> | null {
  return value === null || value === undefined ? null : decodeArray(name, value, expect);
}

function dtypeOf(data: AnyTypedArray): Dtype {
  for (const [dtype, Ctor] of Object.entries(CONSTRUCTORS)) {
    if (data instanceof Ctor) return dtype as Dtype;
  }
  throw new TypeError(`cannot encode a ${Object.prototype.toString.call(data)}`);
}

/**
 * Encode a typed array as `{view, dtype, shape}` (shape defaults to 1-D).
 *
 * The view always covers a whole, fresh buffer: some message serialisers send `view.buffer`
 * and would ship a larger buffer's bytes if the array were a window into it.
 */
export function encodeArray(data: AnyTypedArray, shape: readonly number[] = [data.length]): BinaryArray {
  if (product(shape) !== data.length) {
    throw new RangeError(`shape [${shape.join(", ")}] does not match ${data.length} elements`);
  }
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const own = whole ? data : data.slice();
  return {
    view: new DataView(own.buffer as ArrayBuffer, 0, own.byteLength),
    dtype: dtypeOf(data),
    shape: [...shape],
  };
}
