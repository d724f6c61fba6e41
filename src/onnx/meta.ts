/**
 * The record of a dagrad export, kept in the model's metadata_props under `dagrad`: each dagrad node
 * (op name, node name, inputs by ONNX value name, attributes) so that fromOnnx rebuilds the same
 * ops (stopGradient stays stopGradient, sumLike stays sumLike) rather than their ONNX spelling.
 * JSON, with the numbers JSON lacks (NaN, +-Infinity, -0) spelled out.
 */
export const META_KEY = 'dagrad';

export interface MetaNode {
  /** The ONNX value holding the node's output (for a group, a name no value has). */
  readonly key: string;
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly attrs: unknown;
}

export interface Meta {
  readonly format: 'dagrad';
  readonly version: 1;
  readonly nodes: readonly MetaNode[];
  /** The fetches given to toOnnx: their form, the ONNX key of each, and the record keys. */
  readonly fetches: { readonly form: 'node' | 'array' | 'record'; readonly keys: readonly string[]; readonly names: readonly (string | null)[] };
}

const SPECIAL = '$number';

export function encodeMeta(m: Meta): string {
  return JSON.stringify(m, (_, v) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { [SPECIAL]: Object.is(v, -0) ? '-0' : String(v) };
    return v;
  });
}

export function decodeMeta(s: string): Meta {
  const m = JSON.parse(s, (_, v) => (v && typeof v === 'object' && SPECIAL in v && Object.keys(v).length === 1 ? Number(v[SPECIAL]) : v));
  if (m?.format !== 'dagrad' || m.version !== 1) throw new Error(`fromOnnx: metadata '${META_KEY}' is not a dagrad record of version 1`);
  return m as Meta;
}
