/**
 * Every op of OPS exported to ONNX and run in onnxruntime-node: outputs and gradients equal
 * dagrad's to float32 tolerance, with static shapes and with unknown leading dims.
 */
import { describe, expect, it } from 'vitest';
import { gradients, mul, OPS, placeholder, Rng, Session, sum, topoSort, type Node } from '../../src/index.js';
import { initialState, toOnnx } from '../../src/onnx/index.js';
import { LOWERINGS } from '../../src/onnx/lowerings.js';
import { onnx } from '../../src/onnx/proto.js';
import { readFileSync } from 'node:fs';
import { CASES, type OnnxCase } from './cases.js';
import { expectClose, fromNd, runOrt, toInput, type Value } from './harness.js';

/** float32 rounding in a handful of ops, relative to max(1, |value|). */
const TOL = 2e-5;

const seen = { static: new Set<string>(), dynamic: new Set<string>() };
/** The ONNX op types each dagrad op was written as, over every exported case (from the nodes' doc strings). */
const written = new Map<string, Set<string>>();

function record(bytes: Uint8Array): void {
  for (const n of onnx.ModelProto.decode(bytes).graph!.node!) {
    const op = /^dagrad (\w+) /.exec(n.docString ?? '')?.[1];
    if (!op) continue;
    if (!written.has(op)) written.set(op, new Set());
    written.get(op)!.add(n.opType!);
  }
}

interface Built {
  fetches: Record<string, Node>;
  feeds: [Node, Value][];
  assigns: Node[];
  y: Node;
}

let uid = 0;
/** The case's output, and (for a float output) the gradient of sum(y * w) for each float input, w a fed weight. */
function build(c: OnnxCase, dynamic: boolean): Built {
  const rng = new Rng(7);
  const dtypes = c.dtypes ?? c.shapes.map(() => 'float32' as const);
  const xs = c.shapes.map((s, i) => {
    const shape = dynamic && s.length > 0 && !(c.keepStatic ?? []).includes(i) ? [null, ...s.slice(1)] : s.slice();
    return placeholder(`x${uid++}`, shape, { dtype: dtypes[i] });
  });
  const feeds: [Node, Value][] = xs.map((x, i) => {
    const shape = c.shapes[i];
    const n = shape.reduce((p, d) => p * d, 1);
    const given = c.values?.[i];
    const [lo, hi] = c.range ?? [-2, 2];
    const data = given !== undefined ? [given].flat(Infinity as 1) as number[] : Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
    return [x, { data, shape, dtype: dtypes[i] }];
  });
  const y = c.build(xs);
  const fetches: Record<string, Node> = {};
  const assigns = topoSort([y]).filter((n) => n.op.kind === 'assign');
  if (y.op.kind !== 'group') fetches.y = y;
  const floats = xs.filter((x) => x.dtype === 'float32');
  if (y.dtype === 'float32' && y.op.kind === 'op' && floats.length > 0) {
    const w = placeholder(`w${uid++}`, y.shape, { dtype: 'float32' });
    const shape = new Session().run(y, feeds.map(([k, v]) => [k, toInput(v)] as const)).shape;
    const n = shape.reduce((p, d) => p * d, 1);
    feeds.push([w, { data: Array.from({ length: n }, () => Math.fround(rng.uniform(-1, 1))), shape, dtype: 'float32' }]);
    gradients(sum(mul(y, w)), floats).forEach((g, i) => (fetches[`grad${i}`] = g));
  }
  return { fetches, feeds, assigns, y };
}

async function check(c: OnnxCase, dynamic: boolean): Promise<void> {
  const { fetches, feeds, assigns, y } = build(c, dynamic);
  // A group has no value of its own: exporting it exports its assigns as `<variable>:new` outputs.
  const bytes = toOnnx(y.op.kind === 'group' ? { ...fetches, step: y } : fetches);
  record(bytes);
  const session = new Session();
  const feedList = feeds.map(([k, v]) => [k, toInput(v)] as const);
  const want = session.run(fetches, feedList);
  const got = await runOrt(bytes, { ...initialState(bytes), ...Object.fromEntries(feeds.map(([k, v]) => [k.name, v])) });
  for (const [k, n] of Object.entries(fetches)) expectClose(got[k], fromNd(want[k], n.dtype), TOL, `${k} of ${c.op.name}`);
  for (const a of assigns) {
    const v = a.inputs[0];
    const fresh = new Session();
    fresh.run(a, feedList);
    expectClose(got[`${v.name}:new`], fromNd(fresh.getValue(v), v.dtype), TOL, `${v.name}:new`);
  }
  for (const n of topoSort([y, ...Object.values(fetches)])) seen[dynamic ? 'dynamic' : 'static'].add(n.op.name);
}

describe('every op of OPS in onnxruntime-node', () => {
  it('has a lowering or a source form for every op, and a case for every op', () => {
    const sources = new Set(['placeholder', 'variable', 'constant', 'group']);
    expect(OPS.filter((op) => !sources.has(op.kind ?? 'op') && !(op.name in LOWERINGS)).map((op) => op.name)).toEqual([]);
    const covered = new Set(CASES.map((c) => c.op));
    expect(OPS.filter((op) => !covered.has(op)).map((op) => op.name)).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.op.name} (${c.name}), static shapes: outputs and gradients equal dagrad's`, () => check(c, false));
    it(`${c.op.name} (${c.name}), unknown leading dims: outputs and gradients equal dagrad's`, () => check(c, true));
  }

  it('ran every op of OPS with static shapes and with unknown dims (sumLike and size exist only with unknown dims)', () => {
    const dynamicOnly = new Set(['sumLike', 'size']);
    expect(OPS.filter((op) => !dynamicOnly.has(op.name) && !seen.static.has(op.name)).map((op) => op.name)).toEqual([]);
    expect(OPS.filter((op) => !seen.dynamic.has(op.name)).map((op) => op.name)).toEqual([]);
  });

  it('docs/onnx.md lists, for every op, exactly the ONNX ops the export writes for it', () => {
    if (process.env.PRINT_ONNX_OPS) console.log(JSON.stringify(Object.fromEntries([...written].map(([k, v]) => [k, [...v].sort()]))));
    const doc = readFileSync(new URL('../../docs/onnx.md', import.meta.url), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of doc.split('\n')) {
      const m = /^\| `(\w+)` \| ([^|]*) \|/.exec(line);
      if (m) rows.set(m[1], [...m[2].matchAll(/`(\w+)`/g)].map((k) => k[1]).sort());
    }
    const sources = new Set(['placeholder', 'variable', 'constant', 'group']);
    for (const op of OPS) {
      const want = sources.has(op.kind ?? 'op') ? [] : [...(written.get(op.name) ?? [])].sort();
      expect(rows.get(op.name), `row of ${op.name}`).toEqual(want);
    }
  });
});
