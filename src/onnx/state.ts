import type { DType, TypedArray } from '../index.js';
import { elemName, onnx, readTensor } from './proto.js';
import { INIT_SUFFIX } from './toOnnx.js';

export interface StateValue {
  readonly data: TypedArray;
  readonly shape: number[];
  readonly dtype: DType;
}

/**
 * The state a training step was exported with (weights, optimizer slots, step counter), by input
 * name: what to feed its first run; each run's `<name>:new` outputs feed the next.
 */
export function initialState(bytes: Uint8Array): Record<string, StateValue> {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const out: Record<string, StateValue> = {};
  for (const t of graph?.initializer ?? []) {
    if (!t.name?.endsWith(INIT_SUFFIX)) continue;
    const { values, elem, dims } = readTensor(t);
    const dtype = elemName(elem);
    if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') continue;
    out[t.name.slice(0, -INIT_SUFFIX.length)] = { data: values as TypedArray, shape: dims, dtype };
  }
  return out;
}
