import { describe, expect, it } from "vitest";
import { decodeArray, decodeOptional, encodeArray } from "../src/wire/codecs";

/** A DataView over `bytes`, placed `offset` bytes into a larger buffer with junk around it. */
function windowed(bytes: Uint8Array, offset: number): DataView {
  const buffer = new ArrayBuffer(offset + bytes.byteLength + 13);
  new Uint8Array(buffer).fill(0xee);
  new Uint8Array(buffer, offset, bytes.byteLength).set(bytes);
  return new DataView(buffer, offset, bytes.byteLength);
}

const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe("decodeArray", () => {
  it("honours a non-zero byteOffset and byteLength", () => {
    const points = new Float32Array([1.5, -2, 3.25, 4, 5, 6.5]);
    const view = windowed(asBytes(points), 16);
    const decoded = decodeArray("_points", { view, dtype: "float32", shape: [3, 2] }, { dtypes: ["float32"], shape: [-1, 2] });
    expect(Array.from(decoded.data)).toEqual(Array.from(points));
    expect(decoded.shape).toEqual([3, 2]);
    // A view, not a copy, when aligned.
    expect(decoded.data.buffer).toBe(view.buffer);
  });

  it("copies a window that is not aligned to the element size", () => {
    const codes = new Uint32Array([7, 0, 4294967295]);
    const view = windowed(asBytes(codes), 3);
    const decoded = decodeArray("_colors", { view, dtype: "uint32", shape: [3] }, { dtypes: ["uint32"] });
    expect(Array.from(decoded.data)).toEqual([7, 0, 4294967295]);
  });

  it.each([
    ["int32", Int32Array, [-3, 2]],
    ["uint16", Uint16Array, [65535, 1]],
    ["int16", Int16Array, [-32768, 5]],
    ["uint8", Uint8Array, [255, 0]],
    ["int8", Int8Array, [-128, 127]],
  ] as const)("decodes %s", (dtype, Ctor, values) => {
    const typed = new Ctor(values as unknown as number[]);
    const decoded = decodeArray("x", { view: windowed(asBytes(typed), 8), dtype, shape: [2] }, { dtypes: [dtype] });
    expect(decoded.data).toBeInstanceOf(Ctor);
    expect(Array.from(decoded.data)).toEqual(values);
  });

  it("rejects a dtype the trait does not take, naming the trait", () => {
    const view = new DataView(new Float32Array(2).buffer);
    expect(() => decodeArray("_selection", { view, dtype: "float32", shape: [2] }, { dtypes: ["uint32"] })).toThrow(
      /_selection\.dtype must be one of uint32; got float32/,
    );
  });

  it("rejects a shape that does not fit", () => {
    const view = new DataView(new Float32Array(6).buffer);
    expect(() => decodeArray("_points", { view, dtype: "float32", shape: [2, 3] }, { dtypes: ["float32"], shape: [-1, 2] })).toThrow(
      /_points must have shape \[\*, 2\]; got \[2, 3\]/,
    );
    expect(() => decodeArray("_points", { view, dtype: "float32", shape: [6] }, { dtypes: ["float32"], shape: [-1, 2] })).toThrow(
      /shape/,
    );
  });

  it("rejects a byte count that does not match the shape", () => {
    const view = new DataView(new Float32Array(5).buffer);
    expect(() => decodeArray("_points", { view, dtype: "float32", shape: [3, 2] }, { dtypes: ["float32"] })).toThrow(
      /has 20 bytes; shape \[3, 2\] of float32 needs 24/,
    );
  });

  it("rejects malformed values", () => {
    expect(() => decodeArray("_frames", 3, { dtypes: ["uint8"] })).toThrow(/_frames must be \{view, dtype, shape\}; got number/);
    expect(() => decodeArray("_frames", { view: [1, 2], dtype: "uint8", shape: [2] }, { dtypes: ["uint8"] })).toThrow(
      /view must be a DataView/,
    );
    const view = new DataView(new ArrayBuffer(2));
    expect(() => decodeArray("_frames", { view, dtype: "uint8", shape: [-2] }, { dtypes: ["uint8"] })).toThrow(
      /non-negative integers/,
    );
  });

  it("treats null as absent only in decodeOptional", () => {
    expect(decodeOptional("_path", null, { dtypes: ["float32"] })).toBeNull();
    expect(decodeOptional("_path", undefined, { dtypes: ["float32"] })).toBeNull();
    expect(() => decodeArray("_path", null, { dtypes: ["float32"] })).toThrow(/got null/);
  });

  it("decodes empty arrays", () => {
    const view = new DataView(new ArrayBuffer(0));
    expect(decodeArray("_selection", { view, dtype: "uint32", shape: [0] }, { dtypes: ["uint32"] }).data.length).toBe(0);
  });
});

describe("encodeArray", () => {
  it("round-trips a selection", () => {
    const selection = new Uint32Array([3, 1, 4, 1, 5]);
    const encoded = encodeArray(selection);
    expect(encoded.dtype).toBe("uint32");
    expect(encoded.shape).toEqual([5]);
    const decoded = decodeArray("_selection", encoded, { dtypes: ["uint32"], shape: [-1] });
    expect(Array.from(decoded.data)).toEqual([3, 1, 4, 1, 5]);
  });

  it("sends only the window's bytes, in a buffer of their own", () => {
    const big = new Float32Array([9, 9, 1, 2, 3, 4, 9]);
    const window = big.subarray(2, 6);
    const encoded = encodeArray(window, [2, 2]);
    expect(encoded.view.byteOffset).toBe(0);
    expect(encoded.view.buffer.byteLength).toBe(16);
    expect(encoded.shape).toEqual([2, 2]);
    const decoded = decodeArray("x", encoded, { dtypes: ["float32"], shape: [2, 2] });
    expect(Array.from(decoded.data)).toEqual([1, 2, 3, 4]);
  });

  it("keeps a 2-D shape and checks it against the length", () => {
    const xy = new Float32Array(6);
    expect(encodeArray(xy, [3, 2]).shape).toEqual([3, 2]);
    expect(() => encodeArray(xy, [4, 2])).toThrow(/shape \[4, 2\] does not match 6 elements/);
  });
});
