/**
 * ONNX ModelProto bytes -> dagrad nodes, named as in the file. A file dagrad wrote is rebuilt from
 * its record (the same ops, attributes and names; see meta.ts); any other file is read op by op
 * through the import table (imports.ts). Either way the result runs, differentiates and exports
 * again like a graph built by hand.
 */
import {
  apply, constant, group, identity, OPS, placeholder, variable, type DType, type Node, type OpDef,
} from '../index.js';
import { decodeMeta, META_KEY, type Meta } from './meta.js';
import { IMPORTS, type ImportContext, type Value } from './imports.js';
import { elemName, onnx, readAttribute, readTensor, readValueInfo, type GraphProto, type NodeProto } from './proto.js';
import { DAGRAD_DOMAIN, INIT_SUFFIX, INTERNAL_LOWERINGS } from './toOnnx.js';

export interface FromOnnxOptions {
  /** Definitions of custom ops (defineOp) the file uses, found by name. */
  ops?: readonly OpDef[];
  /**
   * What float initializers of a file from elsewhere become: 'variables' (default; trainable, so an
   * imported model can be fine-tuned) or 'constants'. Integer initializers are always constants.
   */
  initializers?: 'variables' | 'constants';
  /** Read the ONNX ops even when the file carries dagrad's record. Default false. */
  ignoreRecord?: boolean;
}

export interface OnnxGraph {
  /** The graph's outputs, by ONNX output name. */
  readonly outputs: Record<string, Node>;
  /** The placeholders, by input name. */
  readonly inputs: Record<string, Node>;
  /** The variables (weights; for a training step also the optimizer's state), by name. */
  readonly variables: Record<string, Node>;
  /** For a training step: the group of its assigns (fetching it applies one step); else null. */
  readonly step: Node | null;
  /**
   * What was given to toOnnx, in the same form (a node, an array or a record), for files dagrad
   * wrote; for others, the outputs record.
   */
  readonly fetches: Node | Node[] | Record<string, Node>;
  /** The model's metadata_props (other than dagrad's record), e.g. what toOnnx's `metadata` wrote. */
  readonly metadata: Record<string, string>;
}

/** An unsupported-ops error lists every op the file needs that dagrad lacks, once. */
export class OnnxImportError extends Error {
  constructor(message: string, readonly ops: readonly string[] = []) {
    super(message);
    this.name = 'OnnxImportError';
  }
}

export function fromOnnx(bytes: Uint8Array, opts: FromOnnxOptions = {}): OnnxGraph {
  let model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxImportError(`fromOnnx: not an ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
  const graph = model.graph;
  if (!graph) throw new OnnxImportError('fromOnnx: the model has no graph');
  const record = (model.metadataProps ?? []).find((p) => p.key === META_KEY)?.value;
  const metadata = Object.fromEntries((model.metadataProps ?? []).filter((p) => p.key !== META_KEY).map((p) => [p.key!, p.value ?? '']));
  if (record && !opts.ignoreRecord) return { ...fromRecord(graph, decodeMeta(record), opts), metadata };
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  return { ...fromGraph(graph, Number(opset ?? 18), opts), metadata };
}

function dtypeOf(elem: number, what: string): DType {
  const name = elemName(elem);
  if (name === 'float32' || name === 'float64' || name === 'int32') return name;
  if (name === 'int64') return 'int32';
  throw new OnnxImportError(`fromOnnx: ${what} has ONNX element type ${elem}; dagrad holds float, double and int32 (int64 is read as int32)`);
}

function initializerValues(graph: GraphProto): Map<string, { data: number[] | ArrayLike<number>; shape: number[]; dtype: DType; elem: number }> {
  const out = new Map();
  for (const t of graph.initializer ?? []) {
    const { values, elem, dims } = readTensor(t);
    // A bool initializer (a flag such as Dropout's training_mode) is a 1/0 int32 constant.
    out.set(t.name!, { data: values, shape: dims, dtype: elemName(elem) === 'bool' ? 'int32' : dtypeOf(elem, `initializer '${t.name}'`), elem });
  }
  return out;
}

function fromRecord(graph: GraphProto, meta: Meta, opts: FromOnnxOptions): Omit<OnnxGraph, 'metadata'> {
  const known = new Map<string, OpDef>([...OPS, ...(opts.ops ?? [])].map((op) => [op.name, op]));
  const missing = [...new Set(meta.nodes.filter((n) => !known.has(n.op) && !(n.op in INTERNAL_LOWERINGS)).map((n) => n.op))];
  if (missing.length > 0) {
    throw new OnnxImportError(`fromOnnx: the file uses custom op${missing.length > 1 ? 's' : ''} ${missing.map((o) => `'${o}'`).join(', ')}; pass their definitions as { ops: [...] }`, missing);
  }
  const values = initializerValues(graph);
  const nodes = new Map<string, Node>();
  const inputs: Record<string, Node> = {}, variables: Record<string, Node> = {};
  const assigns: Node[] = [];
  for (const m of meta.nodes) {
    const op = known.get(m.op);
    const attrs = m.attrs as Record<string, unknown>;
    let n: Node;
    if (!op) {
      // dagrad's internal helpers (INTERNAL_LOWERINGS) pass their first input's value through.
      n = identity(nodes.get(m.inputs[0])!, { name: m.name });
    } else if (op.kind === 'placeholder') {
      n = placeholder(m.name, attrs.shape as (number | null)[], { dtype: attrs.dtype as DType });
      inputs[m.name] = n;
    } else if (op.kind === 'variable') {
      const v = values.get(m.key) ?? values.get(`${m.key}${INIT_SUFFIX}`);
      if (!v) throw new OnnxImportError(`fromOnnx: no value for variable '${m.name}' in the file`);
      n = variable(m.name, { data: Array.from(v.data), shape: v.shape }, { dtype: v.dtype, trainable: attrs.trainable as boolean });
      variables[m.name] = n;
    } else if (op.kind === 'constant') {
      const v = values.get(m.key);
      if (!v) throw new OnnxImportError(`fromOnnx: no value for constant '${m.name}' in the file`);
      n = constant({ data: Array.from(v.data), shape: v.shape }, { dtype: v.dtype, name: m.name });
    } else {
      n = apply(op, m.inputs.map((k) => nodes.get(k)!), attrs, m.name);
      if (op.kind === 'assign') assigns.push(n);
    }
    nodes.set(m.key, n);
  }
  const fetched = meta.fetches.keys.map((k) => nodes.get(k) ?? resolveOutput(graph, k, nodes));
  const outputs: Record<string, Node> = {};
  for (const o of graph.output ?? []) outputs[o.name!] = resolveOutput(graph, o.name!, nodes);
  const fetchedGroup = fetched.find((n) => n.op.kind === 'group');
  const step = assigns.length === 0 ? null : fetchedGroup ?? group(assigns, { name: 'step' });
  const { form, names } = meta.fetches;
  const fetches = form === 'node' ? fetched[0] : form === 'array' ? fetched : Object.fromEntries(fetched.map((n, i) => [names[i]!, n]));
  return { outputs, inputs, variables, step, fetches };
}

/** The node an output stands for: its own key, or the key an Identity chain leads back to. */
function resolveOutput(graph: GraphProto, name: string, nodes: Map<string, Node>): Node {
  let at = name;
  for (let hops = 0; hops < 4; hops++) {
    const n = nodes.get(at);
    if (n) return n;
    const producer = (graph.node ?? []).find((p) => p.output?.includes(at));
    if (!producer || producer.opType !== 'Identity') break;
    at = producer.input![0];
  }
  throw new OnnxImportError(`fromOnnx: output '${name}' is not in dagrad's record of the file`);
}

function fromGraph(graph: GraphProto, opset: number, opts: FromOnnxOptions): Omit<OnnxGraph, 'metadata'> {
  const list = graph.node ?? [];
  const custom = new Map((opts.ops ?? []).map((op) => [op.name, op]));
  const unsupported = new Map<string, string[]>();
  for (const p of list) {
    const key = p.domain === DAGRAD_DOMAIN ? p.opType! : p.opType!;
    const ok = p.domain === DAGRAD_DOMAIN ? custom.has(key) || OPS.some((op) => op.name === key) : (!p.domain || p.domain === 'ai.onnx') && key in IMPORTS;
    if (!ok) {
      const label = p.domain ? `${p.domain}.${key}` : key;
      unsupported.set(label, [...(unsupported.get(label) ?? []), p.name || p.output![0]]);
    }
  }
  if (unsupported.size > 0) {
    const ops = [...unsupported.keys()];
    const detail = ops.map((o) => `${o} (${unsupported.get(o)!.length} node${unsupported.get(o)!.length > 1 ? 's' : ''}, first '${unsupported.get(o)![0]}')`).join(', ');
    throw new OnnxImportError(`fromOnnx: ${ops.length} ONNX op${ops.length > 1 ? 's have' : ' has'} no dagrad form: ${detail}`, ops);
  }

  const inits = initializerValues(graph);
  const values = new Map<string, Value>();
  const inputs: Record<string, Node> = {}, variables: Record<string, Node> = {};
  const asVariables = (opts.initializers ?? 'variables') === 'variables';
  for (const [name, v] of inits) {
    values.set(name, { ints: v.elem === 6 || v.elem === 7 || v.elem === 9 ? { values: Array.from(v.data), shape: v.shape } : undefined, lazy: (fixed) => {
      if (asVariables && !fixed && (v.dtype === 'float32' || v.dtype === 'float64')) {
        const n = variable(name, { data: Array.from(v.data), shape: v.shape }, { dtype: v.dtype });
        variables[name] = n;
        return n;
      }
      return constant({ data: Array.from(v.data), shape: v.shape }, { dtype: v.dtype, name });
    } });
  }
  for (const i of graph.input ?? []) {
    if (inits.has(i.name!)) continue;
    const { elem, shape } = readValueInfo(i);
    if (!shape) throw new OnnxImportError(`fromOnnx: input '${i.name}' has no shape`);
    const n = placeholder(i.name!, shape, { dtype: dtypeOf(elem, `input '${i.name}'`) });
    inputs[i.name!] = n;
    values.set(i.name!, { node: n });
  }
  const make = (name: string, fixed: boolean): Node => {
    const v = values.get(name);
    if (!v) throw new OnnxImportError(`fromOnnx: value '${name}' is used before it is defined`);
    if (!v.node) {
      if (v.lazy) v.node = v.lazy(fixed);
      else if (v.ints && v.ints.values.every((d) => d !== null)) v.node = constant({ data: v.ints.values as number[], shape: v.ints.shape }, { dtype: 'int32', name });
      else throw new OnnxImportError(`fromOnnx: value '${name}' has no dagrad node`);
    }
    return v.node;
  };
  const ctx: ImportContext = {
    opset,
    node: (name) => make(name, false),
    fixed: (name) => make(name, true),
    ints(name, what) {
      const known = ctx.partialInts(name, what);
      if (known.some((d) => d === null)) throw new OnnxImportError(`fromOnnx: ${what} ('${name}') holds a dim known only at run time`);
      return known as number[];
    },
    partialInts(name, what) {
      const v = values.get(name);
      if (v?.ints) return v.ints.values;
      throw new OnnxImportError(`fromOnnx: ${what} must be a constant (an initializer, a Constant, or a Shape of a statically known shape), but '${name}' is computed at run time`);
    },
    value: (name) => values.get(name),
    has: (name) => name !== '' && values.has(name),
  };
  for (const p of list) {
    const outs = p.output ?? [];
    let results: Value[];
    try {
      if (p.domain === DAGRAD_DOMAIN) {
        const op = custom.get(p.opType!) ?? OPS.find((o) => o.name === p.opType)!;
        const attrs = Object.fromEntries((p.attribute ?? []).map((a) => [a.name!, readAttribute(a)]));
        results = [{ node: apply(op, (p.input ?? []).map((i) => ctx.node(i)), attrs, outs[0]) }];
      } else {
        results = IMPORTS[p.opType!](ctx, p.input ?? [], attributesOf(p), outs[0]);
      }
    } catch (e) {
      if (e instanceof OnnxImportError) throw e;
      throw new OnnxImportError(`fromOnnx: ${p.opType} '${p.name || outs[0]}': ${e instanceof Error ? e.message : String(e)}`);
    }
    outs.forEach((o, i) => {
      if (o && results[i]) values.set(o, results[i]);
    });
  }
  const outputs: Record<string, Node> = {};
  for (const o of graph.output ?? []) outputs[o.name!] = ctx.node(o.name!);
  return { outputs, inputs, variables, step: null, fetches: outputs };
}

function attributesOf(p: NodeProto): Record<string, ReturnType<typeof readAttribute>> {
  return Object.fromEntries((p.attribute ?? []).map((a) => [a.name!, readAttribute(a)]));
}
