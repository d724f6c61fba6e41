/**
 * dagrad graph -> ONNX ModelProto bytes (opset 18). Placeholders become graph inputs (unknown dims
 * symbolic), constants initializers, variables initializers (inference) or inputs (a training step,
 * their current values kept as `<name>:init`), and each assign a graph output `<variable>:new`
 * holding the variable's new value. A record of how every dagrad node was written rides along in the model's
 * metadata, so fromOnnx rebuilds the very same ops.
 */
import { OPS, Session, topoSort, type DType, type Fetches, type Node, type OpDef } from '../index.js';
import type { OnnxAttr } from '../graph/op.js';
import { LOWERINGS, type Builder, type Lowering } from './lowerings.js';
import { attribute, onnx, tensor, valueInfo, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';
import { encodeMeta, META_KEY, type MetaNode, type Meta } from './meta.js';

export const OPSET = 18;
/** ONNX's IR version for opset 18. */
const IR_VERSION = 8;
/** Custom ops without an ONNX lowering are written in this domain. */
export const DAGRAD_DOMAIN = 'dagrad';
/** A training step's state inputs carry their exported value in an initializer of this suffix. */
export const INIT_SUFFIX = ':init';

export interface ToOnnxOptions {
  /**
   * The graph inputs, in order: placeholders the fetches depend on (default: all of them, in creation
   * order). A placeholder left out is an error, so a model never needs a value it does not declare.
   */
  inputs?: readonly Node[];
  /** Where variables' current values come from (default: a fresh Session's initial values). */
  session?: Session;
  /**
   * 'initializers' bakes variables in (inference); 'inputs' makes each an input (a training step:
   * feed the weights and optimizer slots, read `<name>:new`), its current value kept in the file
   * as `<name>:init` (see initialState).
   * Default: 'inputs' when the fetches assign to any variable, else 'initializers'.
   */
  variables?: 'initializers' | 'inputs';
  /**
   * 'onnxruntime' (default): every op must be standard ONNX; a custom op needs an `onnx` lowering
   * on its definition. 'dagrad': custom ops without one are written in the `dagrad` domain with their
   * attributes, for dagrad's fromOnnx to read back (other runtimes cannot run them).
   */
  target?: 'onnxruntime' | 'dagrad';
  /** The graph's name in the file. Default 'dagrad'. */
  name?: string;
  /** Your own key-value notes (feature names, a preprocessing recipe) in the model's metadata_props; fromOnnx returns them. */
  metadata?: Readonly<Record<string, string>>;
}

const BUILTIN = new Map<OpDef, string>(OPS.map((op) => [op, op.name]));

/**
 * dagrad's own helper ops that are not in OPS (so not public), found by name. runTimeShape wraps a
 * derivative whose shape is settled only at run time (autodiff checks it when a plan is compiled):
 * its value is its first input's.
 */
export const INTERNAL_LOWERINGS: Readonly<Record<string, Lowering>> = {
  runTimeShape: (b, [d]) => b.node('Identity', [d]),
};
const loweringOf = (op: OpDef): Lowering | undefined =>
  BUILTIN.has(op) ? LOWERINGS[op.name] : (op.onnx ?? INTERNAL_LOWERINGS[op.name]);
/** Ops whose first input is a draw state that their ONNX form reads only at export. */
const RANDOM_OPS = new Set(['random', 'dropoutMask']);
const SOURCES = new Set(['placeholder', 'variable', 'constant', 'group']);

/** Fetches as (output name or undefined, node) pairs, and the form they came in. */
function fetchList(fetches: Fetches): { list: [string | undefined, Node][]; form: Meta['fetches']['form'] } {
  if (Array.isArray(fetches)) return { list: (fetches as readonly Node[]).map((n) => [undefined, n]), form: 'array' };
  if (isNodeLike(fetches)) return { list: [[undefined, fetches as Node]], form: 'node' };
  return { list: Object.entries(fetches as Record<string, Node>).map(([k, n]) => [k, n]), form: 'record' };
}
const isNodeLike = (x: unknown): boolean => typeof x === 'object' && x !== null && 'op' in x && 'inputs' in x && 'id' in x;

/** The model as an ONNX ModelProto (plain object form). */
export function toOnnxModel(fetches: Fetches, opts: ToOnnxOptions = {}): ReturnType<typeof onnx.ModelProto.create> {
  const { list, form } = fetchList(fetches);
  for (const [, n] of list) {
    if (!isNodeLike(n)) throw new TypeError(`toOnnx: every fetch must be a node, got ${typeof n}`);
  }
  const order = topoSort(list.map(([, n]) => n));
  // Every assign the fetches reach runs in a dagrad session, in a group or not, so each is an output.
  const assigns = order.filter((n) => n.op.kind === 'assign');
  const targets = new Map<Node, Node>();
  for (const a of assigns) {
    const v = a.inputs[0];
    const prev = targets.get(v);
    if (prev && prev !== a) throw new Error(`toOnnx: variable '${v.name}' is assigned twice (${a.op.name} '${a.name}' and ${prev.op.name} '${prev.name}'); export one update per variable`);
    targets.set(v, a);
  }
  const variablesAs = opts.variables ?? (assigns.length > 0 ? 'inputs' : 'initializers');
  const target = opts.target ?? 'onnxruntime';

  const missingLowering = order.filter((n) => !SOURCES.has(n.op.kind ?? 'op') && !loweringOf(n.op));
  if (target === 'onnxruntime' && missingLowering.length > 0) {
    const ops = [...new Set(missingLowering.map((n) => n.op.name))];
    throw new Error(
      `toOnnx: custom op${ops.length > 1 ? 's' : ''} ${ops.map((o) => `'${o}'`).join(', ')} (node${missingLowering.length > 1 ? 's' : ''} ${missingLowering.map((n) => `'${n.name}'`).join(', ')}) ` +
        `ha${ops.length > 1 ? 've' : 's'} no ONNX form: give the op definition an \`onnx\` lowering, or export with { target: 'dagrad' } for dagrad's own fromOnnx`,
    );
  }
  const placeholders = order.filter((n) => n.op.kind === 'placeholder');
  if (opts.inputs) {
    const given = new Set(opts.inputs);
    for (const x of opts.inputs) {
      if (x.op.kind !== 'placeholder') throw new TypeError(`toOnnx: input ${x.op.name} '${x.name}' is not a placeholder`);
    }
    const left = placeholders.filter((p) => !given.has(p));
    if (left.length > 0) throw new Error(`toOnnx: the fetches need placeholder${left.length > 1 ? 's' : ''} ${left.map((p) => `'${p.name}'`).join(', ')}, missing from inputs`);
  }

  // Names: sources keep theirs (they are how users feed and find things); the rest are made unique.
  const names = new Map<Node, string>();
  const taken = new Set<string>();
  const claim = (want: string): string => {
    let name = want, k = 1;
    while (taken.has(name)) name = `${want}_${k++}`;
    taken.add(name);
    return name;
  };
  for (const n of order) {
    if (n.op.kind !== 'placeholder' && n.op.kind !== 'variable') continue;
    if (taken.has(n.name)) throw new Error(`toOnnx: two ${n.op.kind}s are named '${n.name}'`);
    names.set(n, claim(n.name));
  }
  for (const a of assigns) names.set(a, claim(`${a.inputs[0].name}:new`));
  // Record keys name outputs exactly, so they are claimed before the nodes' own names.
  const reserved = new Map<string, Node>();
  for (const [key, n] of list) {
    if (key === undefined || n.op.kind === 'group') continue;
    if (taken.has(key) && names.get(n) !== key) throw new Error(`toOnnx: output '${key}' has the name of an input, a variable or a variable's update; choose another key`);
    if (!taken.has(key)) {
      claim(key);
      reserved.set(key, n);
    }
  }
  for (const n of order) if (!names.has(n)) names.set(n, reserved.get(n.name) === n ? n.name : claim(n.name));

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const inputs: ValueInfoProto[] = [];
  const session = opts.session ?? new Session();
  const consts = new Map<string, string>();
  const byName = new Map<string, Node>([...names].map(([n, s]) => [s, n]));

  const constant = (values: readonly number[], dtype: DType | 'int64', shape: readonly number[] = [values.length]): string => {
    const key = `${dtype}|${shape.join(',')}|${values.join(',')}`;
    let name = consts.get(key);
    if (!name) {
      name = claim(`const:${dtype}[${values.length <= 4 ? values.join(',') : shape.join('x')}]`);
      initializers.push(tensor(name, values, dtype, shape));
      consts.set(key, name);
    }
    return name;
  };
  let owner = '';
  let ownerDoc = '';
  let counter = 0;
  const builder: Builder = {
    node(opType: string, ins: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}): string {
      const out = claim(`${owner}/${opType}${counter++ === 0 ? '' : `_${counter - 1}`}`);
      nodes.push({
        opType, input: ins.slice(), output: [out], name: out, docString: ownerDoc,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      });
      return out;
    },
    outputs(opType, ins, count, attrs = {}) {
      const outs = Array.from({ length: count }, (_, k) => claim(`${owner}/${opType}${counter++ === 0 ? '' : `_${counter - 1}`}${k === 0 ? '' : `:${k}`}`));
      nodes.push({
        opType, input: ins.slice(), output: outs, name: outs[0], docString: ownerDoc,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      });
      return outs;
    },
    valueOf: (v) => session.getValue(v).data as ArrayLike<number>,
    constant,
    int64: (values) => constant(values, 'int64'),
    scalar: (value, dtype) => constant([value], dtype, []),
    shapeOf(name) {
      const n = byName.get(name);
      if (n && n.shape.every((d) => d !== null)) return constant(n.shape as number[], 'int64');
      return builder.node('Shape', [name]);
    },
  };

  // A random op's [seed, counter] state seeds ONNX Runtime's own generator at export and is read by
  // no ONNX node, so it stays an initializer even in a training step: nothing to feed.
  const readers = new Map<Node, Node[]>();
  for (const n of order) n.inputs.forEach((x) => readers.set(x, [...(readers.get(x) ?? []), n]));
  const drawState = (v: Node): boolean => (readers.get(v) ?? []).every((r) => RANDOM_OPS.has(r.op.name) && BUILTIN.has(r.op) && r.inputs[0] === v);

  const meta: MetaNode[] = [];
  const symbol = (n: Node) => (axis: number) => `${n.name}:${axis}`;
  for (const n of order) {
    const name = names.get(n)!;
    const ins = n.inputs.map((x) => names.get(x)!);
    meta.push({ key: name, op: n.op.name, name: n.name, inputs: ins, attrs: n.op.kind === 'constant' || n.op.kind === 'variable' ? metaSource(n) : n.attrs });
    switch (n.op.kind) {
      case 'placeholder':
        inputs.push(valueInfo(name, n.dtype, n.shape, symbol(n)));
        continue;
      case 'variable': {
        const value = session.getValue(n);
        // NOTE: an input with a same-named initializer is "overridable" in ONNX, but onnxruntime-node
        // and -web drop feeds for it without a word; so state inputs carry their value under
        // `<name>:init`, an initializer no node reads (initialState() returns them).
        const asInput = variablesAs === 'inputs' && !drawState(n);
        if (asInput) inputs.push(valueInfo(name, n.dtype, n.shape));
        initializers.push(tensor(asInput ? claim(`${name}${INIT_SUFFIX}`) : name, value.data as ArrayLike<number>, n.dtype, value.shape));
        continue;
      }
      case 'constant': {
        const value = (n.attrs as { value: { data: ArrayLike<number>; shape: number[]; stride: number[]; offset: number; get: (...i: number[]) => number } }).value;
        initializers.push(tensor(name, flatten(value), n.dtype, value.shape));
        continue;
      }
      case 'group':
        continue;
    }
    if (n.inputs.some((x) => x.op.kind === 'group')) {
      throw new Error(`toOnnx: ${n.op.name} '${n.name}' reads a group, which has no value in ONNX`);
    }
    owner = name;
    ownerDoc = `dagrad ${n.op.name} '${n.name}'`;
    counter = 0;
    const lower = loweringOf(n.op);
    if (!lower) {
      nodes.push({
        opType: n.op.name, domain: DAGRAD_DOMAIN, input: ins, output: [name], name, docString: `dagrad ${n.op.name} '${n.name}'`,
        attribute: Object.entries(n.attrs ?? {}).flatMap(([k, v]) => {
          const a = plainAttr(v);
          return a === undefined ? [] : [attribute(k, a)];
        }),
      });
      continue;
    }
    const first = nodes.length;
    const result = lower(builder, ins, n);
    rename(nodes, first, result, name, ownerDoc);
  }

  if (opts.inputs) {
    const rank = new Map(opts.inputs.map((x, i) => [x.name, i]));
    inputs.sort((a, b) => (rank.get(a.name!) ?? Infinity) - (rank.get(b.name!) ?? Infinity));
  }
  const outputs: ValueInfoProto[] = [];
  const outNames: string[] = [];
  const declared = new Set([...inputs.map((i) => i.name!), ...initializers.map((t) => t.name!)]);
  const addOutput = (value: string, n: Node, want?: string): string => {
    let out = value;
    if (want !== undefined && want !== value) {
      out = reserved.has(want) ? want : claim(want);
      nodes.push({ opType: 'Identity', input: [value], output: [out], name: out });
    } else if (declared.has(value) || outNames.includes(value)) {
      out = claim(`${value}:output`);
      nodes.push({ opType: 'Identity', input: [value], output: [out], name: out });
    }
    outputs.push(valueInfo(out, n.dtype, n.shape));
    outNames.push(out);
    return out;
  };
  const fetchKeys: string[] = [];
  for (const [key, n] of list) {
    if (n.op.kind === 'group') fetchKeys.push(names.get(n)!);
    else fetchKeys.push(addOutput(names.get(n)!, n, key));
  }
  for (const a of assigns) {
    if (!outNames.includes(names.get(a)!)) addOutput(names.get(a)!, a);
  }
  const record: Meta = {
    format: 'dagrad', version: 1, nodes: meta,
    fetches: { form, keys: fetchKeys, names: list.map(([k]) => k ?? null) },
  };
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'dagrad',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }, ...(nodes.some((n) => n.domain === DAGRAD_DOMAIN) ? [{ domain: DAGRAD_DOMAIN, version: 1 }] : [])],
    metadataProps: [
      ...Object.entries(opts.metadata ?? {}).map(([key, value]) => {
        if (key === META_KEY) throw new Error(`toOnnx: metadata key '${META_KEY}' is dagrad's own record`);
        return { key, value };
      }),
      { key: META_KEY, value: encodeMeta(record) },
    ],
    graph: { name: opts.name ?? 'dagrad', node: nodes, initializer: initializers, input: inputs, output: outputs },
  });
}

/** ONNX ModelProto bytes for `fetches`; see ToOnnxOptions. */
export function toOnnx(fetches: Fetches, opts: ToOnnxOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(toOnnxModel(fetches, opts)).finish();
}

/** The last node a lowering added takes the dagrad node's name; a lowering that added none gets an Identity. */
function rename(nodes: NodeProto[], first: number, result: string, name: string, doc: string): void {
  const own = nodes.slice(first);
  const producer = own.find((p) => p.output![0] === result);
  const readInside = own.some((p) => p.input!.includes(result));
  if (producer && !readInside) {
    producer.output = [name, ...producer.output!.slice(1)];
    producer.name = name;
  } else {
    nodes.push({ opType: 'Identity', input: [result], output: [name], name, docString: doc });
  }
}

/** A constant's elements in row-major order (its ndarray may be a strided view). */
function flatten(v: { shape: number[]; get: (...i: number[]) => number }): number[] {
  const out: number[] = [];
  const idx = v.shape.map(() => 0);
  const n = v.shape.reduce((p, d) => p * d, 1);
  for (let k = 0; k < n; k++) {
    out.push(v.get(...idx));
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function metaSource(n: Node): Record<string, unknown> {
  if (n.op.kind === 'variable') return { trainable: (n.attrs as { trainable: boolean }).trainable };
  return {};
}

/** An attribute dagrad can write as a typed ONNX attribute (others travel in the metadata only). */
function plainAttr(v: unknown): OnnxAttr | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return Number.isInteger(v) ? v : { float: v };
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return v.every(Number.isInteger) ? v : { floats: v };
  return undefined;
}
