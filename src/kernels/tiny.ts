/**
 * Plan-time binders for elementwise ops (an op's `bind`). On tiny arrays a kernel call costs more in
 * its checks (layout, dtype, which arena the data lives in) than in arithmetic; a plan knows the
 * arrays every run will use, so it settles those questions once and keeps a closure that is only the
 * loop. Larger arrays (or layouts other than dense and broadcast-scalar) return null: the op's SIMD
 * call is bound instead when its arrays qualify (`simdBindOf`, kernels/elementwise.ts), else its
 * `forward` runs, with its own fast paths (collapsed axes).
 */
import type { NdArray } from 'ndarray';
import type { OpDef } from '../graph/op.js';
import { element, libScope, type Formula } from './formula.js';
import { generate } from './generate.js';

type Bind = NonNullable<OpDef['bind']>;

/**
 * Up to this many elements the bound loop runs; above it, forward. Measured on a cached chain of
 * add, mul, tanh, exp, sub over [64] float32: 2.1x the time of bare loops doing the same arithmetic
 * through forward, 1.5x bound with strides as variables, 1.1-1.2x with them as literals.
 */
export const TINY = 256;

/** How `a` steps as `out` walks its elements in order: 1 (alike), 0 (one broadcast element), or -1. */
function stepOf(a: NdArray, out: NdArray): number {
  let alike = true;
  let scalar = true;
  let st = 1;
  for (let d = out.shape.length - 1; d >= 0; d--) {
    const s = out.shape[d];
    if (s === 1) continue;
    if (out.stride[d] !== st) return -1;
    if (a.stride[d] !== st) alike = false;
    if (a.stride[d] !== 0) scalar = false;
    st *= s;
  }
  return alike ? 1 : scalar ? 0 : -1;
}

type Make = (o: unknown, oo: number, n: number, ...xs: unknown[]) => () => void;

/** `bind` for out = f(inputs...), each input alike `out` or one broadcast element. */
export function bindOf(f: Formula): Bind {
  const ks = [...Array(f.arity).keys()];
  const params = ['$o', '$oo', '$n', ...ks.flatMap((k) => [`$x${k}`, `$xo${k}`])];
  const one = element(f, ks.map((k) => `$x${k}[$xo${k}]`), '$o[$oo]');
  // One factory per formula and input steps (each 1 or 0, written into the loop as literals, so the
  // loop does no multiply per load), made when first needed: the closures it makes share its
  // compiled code, and only its formula.
  const makes = new Map<number, Make>();
  const makeFor = (steps: number): Make => {
    let make = makes.get(steps);
    if (make) return make;
    const load = (k: number) => ((steps >> k) & 1 ? `$x${k}[$xo${k} + $i]` : `$x${k}[$xo${k}]`);
    const many = element(f, ks.map(load), '$o[$oo + $i]');
    const tag = ks.map((k) => (steps >> k) & 1).join('');
    make = generate<Make>(`${f.name} tiny ${tag}`, libScope(f), `function ${f.name.replace(/\W/g, '_')}_tiny_${tag}(${params.join(', ')}) {
    if ($n === 1) return () => ${one};
    return () => { for (let $i = 0; $i < $n; $i++) ${many} };
  }`);
    makes.set(steps, make);
    return make;
  };
  return (ins, out) => {
    const n = out.size;
    if (n > TINY || stepOf(out, out) !== 1) return null;
    const args: unknown[] = [];
    let steps = 0;
    for (let k = 0; k < ins.length; k++) {
      const a = ins[k];
      const s = stepOf(a, out);
      if (s < 0) return null;
      steps |= s << k;
      args.push(a.data, a.offset);
    }
    return makeFor(steps)(out.data, out.offset, n, ...args);
  };
}
