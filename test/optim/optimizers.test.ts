import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/graph/node.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { cast } from '../../src/ops/cast.js';
import { constant } from '../../src/graph/constant.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { square } from '../../src/ops/square.js';
import { stopGradient } from '../../src/ops/identity.js';
import { sub } from '../../src/ops/sub.js';
import { sum } from '../../src/ops/sum.js';
import { variable } from '../../src/ops/variable.js';
import { Adagrad, Adam, AdamW, RMSProp, SGD, clipByGlobalNorm, exponentialDecay, type Optimizer } from '../../src/optim/index.js';

const f64 = (data: number[], shape: number[]) => ({ data: Float64Array.from(data), shape });

// The small problem: loss = 0.5 * sum((X W^T + b - Y)^2), W [2,3], b [2], four examples.
const X = [[1, 2, -1], [0.5, -1, 2], [-2, 0.3, 1], [1.5, 1, 0.2]];
const Y = [[1, -1], [0.5, 2], [-1, 0], [2, 1]];
const W0 = [0.1, -0.2, 0.3, 0.4, 0.05, -0.6];
const B0 = [0.2, -0.1];

/** The gradient of the small problem at flat W (row-major [2,3]) and b, in plain loops. */
function grads(w: number[], b: number[]): { dw: number[]; db: number[] } {
  const dw = new Array(6).fill(0);
  const db = [0, 0];
  for (let n = 0; n < 4; n++) {
    for (let i = 0; i < 2; i++) {
      let r = b[i] - Y[n][i];
      for (let j = 0; j < 3; j++) r += X[n][j] * w[i * 3 + j];
      db[i] += r;
      for (let j = 0; j < 3; j++) dw[i * 3 + j] += r * X[n][j];
    }
  }
  return { dw, db };
}

function problem(tag: string) {
  const W = variable(`W_${tag}`, f64(W0, [2, 3]));
  const b = variable(`b_${tag}`, f64(B0, [2]));
  const pred = add(matmul(constant(X, { dtype: 'float64' }), W, { transposeB: true }), b);
  const loss = mul(sum(square(sub(pred, constant(Y, { dtype: 'float64' })))), 0.5);
  return { W, b, loss };
}

/** One optimizer step on one coordinate: takes the parameter, its gradient, its slots and t (from 1); returns the new parameter. */
type Rule = (p: number, g: number, slots: Record<string, number>, t: number, lr: number) => number;

/** Runs `rule` for `steps` steps from the problem's start, every coordinate on its own, in plain JS. */
function reference(rule: Rule, steps: number, lrAt: (step: number) => number = () => NaN, clip?: number) {
  const w = W0.slice();
  const b = B0.slice();
  const slots = [...w, ...b].map(() => ({}) as Record<string, number>);
  for (let s = 0; s < steps; s++) {
    const { dw, db } = grads(w, b);
    let g = [...dw, ...db];
    if (clip !== undefined) {
      const norm = Math.sqrt(g.reduce((acc, x) => acc + x * x, 0));
      g = g.map((x) => (x * clip) / Math.max(norm, clip));
    }
    const p = [...w, ...b].map((x, k) => rule(x, g[k], slots[k], s + 1, lrAt(s)));
    w.splice(0, 6, ...p.slice(0, 6));
    b.splice(0, 2, ...p.slice(6));
  }
  return { w, b, slots };
}

const close = (actual: number[], expected: number[], tol = 1e-12) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]) <= tol)) throw new Error(`element ${i}: ${a} vs ${expected[i]} (|diff| ${Math.abs(a - expected[i])} > ${tol})`);
  });
};

const lr = 0.05;
const rules: { name: string; make: (name: string) => Optimizer; rule: Rule; slotNames: string[] }[] = [
  { name: 'SGD', make: (name) => new SGD({ learningRate: lr, name }), rule: (p, g, _s, _t) => p - lr * g, slotNames: [] },
  {
    name: 'SGD with momentum 0.9',
    make: (name) => new SGD({ learningRate: lr, momentum: 0.9, name }),
    rule: (p, g, s) => {
      s.momentum = 0.9 * (s.momentum ?? 0) + g;
      return p - lr * s.momentum;
    },
    slotNames: ['momentum'],
  },
  {
    name: 'SGD with Nesterov momentum 0.8',
    make: (name) => new SGD({ learningRate: lr, momentum: 0.8, nesterov: true, name }),
    rule: (p, g, s) => {
      s.momentum = 0.8 * (s.momentum ?? 0) + g;
      return p - lr * (g + 0.8 * s.momentum);
    },
    slotNames: ['momentum'],
  },
  {
    name: 'Adagrad',
    make: (name) => new Adagrad({ learningRate: 0.3, name }),
    rule: (p, g, s) => {
      s.accumulator = (s.accumulator ?? 0.1) + g * g;
      return p - (0.3 * g) / (Math.sqrt(s.accumulator) + 1e-8);
    },
    slotNames: ['accumulator'],
  },
  {
    name: 'RMSProp',
    make: (name) => new RMSProp({ learningRate: 0.01, name }),
    rule: (p, g, s) => {
      s.meanSquare = 0.9 * (s.meanSquare ?? 0) + 0.1 * g * g;
      return p - (0.01 * g) / (Math.sqrt(s.meanSquare) + 1e-8);
    },
    slotNames: ['meanSquare'],
  },
  {
    name: 'RMSProp centered with momentum',
    make: (name) => new RMSProp({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3, name }),
    rule: (p, g, s) => {
      s.meanSquare = 0.8 * (s.meanSquare ?? 0) + 0.2 * g * g;
      s.meanGrad = 0.8 * (s.meanGrad ?? 0) + 0.2 * g;
      s.momentum = 0.5 * (s.momentum ?? 0) + g / (Math.sqrt(s.meanSquare - s.meanGrad * s.meanGrad) + 1e-3);
      return p - 0.01 * s.momentum;
    },
    slotNames: ['meanSquare', 'meanGrad', 'momentum'],
  },
  {
    name: 'Adam',
    make: (name) => new Adam({ learningRate: 0.1, name }),
    rule: (p, g, s, t) => {
      s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
      s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
      const mHat = s.m / (1 - Math.pow(0.9, t));
      const vHat = s.v / (1 - Math.pow(0.999, t));
      return p - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
    },
    slotNames: ['m', 'v'],
  },
  {
    name: 'AdamW',
    make: (name) => new AdamW({ learningRate: 0.1, beta1: 0.8, beta2: 0.99, weightDecay: 0.5, name }),
    rule: (p, g, s, t) => {
      s.m = 0.8 * (s.m ?? 0) + 0.2 * g;
      s.v = 0.99 * (s.v ?? 0) + 0.01 * g * g;
      const mHat = s.m / (1 - Math.pow(0.8, t));
      const vHat = s.v / (1 - Math.pow(0.99, t));
      // PyTorch's order: decay the weight, then take the Adam step.
      return p * (1 - 0.1 * 0.5) - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
    },
    slotNames: ['m', 'v'],
  },
];

describe('three steps equal hand-computed updates (float64, 1e-12)', () => {
  for (const { name, make, rule, slotNames } of rules) {
    it(name, () => {
      const tag = name.replace(/\W+/g, '_');
      const { W, b, loss } = problem(tag);
      const opt = make(`opt_${tag}`);
      const train = opt.minimize(loss);
      const sess = new Session();
      for (let i = 0; i < 3; i++) sess.run(train);
      const ref = reference(rule, 3);
      close(toFlat(sess.getValue(W)), ref.w);
      close(toFlat(sess.getValue(b)), ref.b);
      expect(toFlat(sess.getValue(opt.step))).toEqual([3]);
      expect([...opt.slots(W).keys()].sort()).toEqual(slotNames.slice().sort());
      for (const slot of slotNames) {
        const s = opt.slots(W).get(slot)!;
        expect(s.name).toBe(`opt_${tag}/W_${tag}/${slot}`);
        close(toFlat(sess.getValue(s)), ref.slots.slice(0, 6).map((x) => x[slot]));
        close(toFlat(sess.getValue(opt.slots(b).get(slot)!)), ref.slots.slice(6).map((x) => x[slot]));
      }
      // the first step really moved the weights (the comparison is not between two unchanged values)
      expect(Math.abs(ref.w[0] - W0[0])).toBeGreaterThan(1e-3);
    });
  }

  it('Adam with an exponential-decay schedule uses the rate of each step', () => {
    const { W, b, loss } = problem('sched');
    const schedule = exponentialDecay(0.1, { decaySteps: 1, decayRate: 0.5 });
    const train = new Adam({ learningRate: schedule, name: 'opt_sched' }).minimize(loss);
    const sess = new Session();
    for (let i = 0; i < 3; i++) sess.run(train);
    const ref = reference((p, g, s, t, rate) => {
      s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
      s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
      return p - (rate * (s.m / (1 - 0.9 ** t))) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-8);
    }, 3, (step) => 0.1 * 0.5 ** step);
    close(toFlat(sess.getValue(W)), ref.w);
    close(toFlat(sess.getValue(b)), ref.b);
  });

  it('SGD with clipGlobalNorm scales every gradient by maxNorm / norm', () => {
    const { W, b, loss } = problem('clip');
    const train = new SGD({ learningRate: 0.05, clipGlobalNorm: 1, name: 'opt_clip' }).minimize(loss);
    const sess = new Session();
    for (let i = 0; i < 3; i++) sess.run(train);
    const ref = reference((p, g) => p - 0.05 * g, 3, undefined, 1);
    close(toFlat(sess.getValue(W)), ref.w);
    close(toFlat(sess.getValue(b)), ref.b);
    const { dw, db } = grads(W0, B0);
    expect(Math.hypot(...dw, ...db)).toBeGreaterThan(1); // so clipping did act
  });
});

describe('every optimizer reaches the minimum of a convex quadratic', () => {
  // f(w) = 0.5 (w - c)^T H (w - c), H symmetric positive definite: the minimum is w = c.
  const H = [[3, 1], [1, 2]];
  const c = [[1], [-2]];
  const cases: [string, (name: string) => Optimizer, number][] = [
    ['SGD', (name) => new SGD({ learningRate: 0.2, name }), 300],
    ['SGD momentum', (name) => new SGD({ learningRate: 0.05, momentum: 0.9, name }), 600],
    ['SGD Nesterov', (name) => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, name }), 600],
    ['Adagrad', (name) => new Adagrad({ learningRate: 0.5, name }), 600],
    // RMSProp's steps stay near lr in size however small the gradient (g / sqrt(mean g^2) ~ 1), so
    // with a constant rate it circles the minimum at a distance ~lr: it converges under a decaying rate.
    ['RMSProp, rate halving every 200 steps', (name) => new RMSProp({ learningRate: exponentialDecay(0.05, { decaySteps: 200, decayRate: 0.5 }), name }), 3000],
    ['RMSProp centered momentum, decaying rate', (name) => new RMSProp({ learningRate: exponentialDecay(0.02, { decaySteps: 200, decayRate: 0.5 }), momentum: 0.5, centered: true, name }), 3000],
    ['Adam', (name) => new Adam({ learningRate: 0.05, name }), 3000],
    ['AdamW (no decay)', (name) => new AdamW({ learningRate: 0.05, weightDecay: 0, name }), 3000],
  ];
  for (const [name, make, steps] of cases) {
    it(`${name} in ${steps} steps, to 1e-6`, () => {
      const tag = `quad_${name.replace(/\W+/g, '_')}`;
      const w = variable(tag, f64([0, 0], [2, 1]));
      const d = sub(w, constant(c, { dtype: 'float64' }));
      const loss = mul(sum(mul(d, matmul(constant(H, { dtype: 'float64' }), d))), 0.5);
      const train = make(`opt_${tag}`).minimize(loss);
      const sess = new Session();
      for (let i = 0; i < steps; i++) sess.run(train);
      close(toFlat(sess.getValue(w)), [1, -2], 1e-6);
    });
  }
});

it('Adam gets within 1e-3 of the Rosenbrock minimum (1, 1)', () => {
  const x = variable('rosen_x', f64([-1.2], []));
  const y = variable('rosen_y', f64([1], []));
  const f = add(square(sub(1, x)), mul(square(sub(y, square(x))), 100));
  const train = new Adam({ learningRate: 0.02, name: 'opt_rosen' }).minimize(f);
  const sess = new Session();
  for (let i = 0; i < 5000; i++) sess.run(train);
  expect(Math.abs(toFlat(sess.getValue(x))[0] - 1)).toBeLessThan(1e-3);
  expect(Math.abs(toFlat(sess.getValue(y))[0] - 1)).toBeLessThan(1e-3);
});

describe('variables the loss does not depend on', () => {
  const setup = (tag: string) => {
    const w = variable(`w_${tag}`, f64([1, 2], [2]));
    const u = variable(`u_${tag}`, f64([3, 4], [2]));
    return { w, u, loss: sum(square(w)) };
  };

  it('are not updated by default, and get no slots', () => {
    const { w, u } = setup('default');
    // u appears in the graph only through stopGradient: a path, but no gradient.
    const loss = add(sum(square(w)), sum(stopGradient(u)));
    const opt = new AdamW({ learningRate: 0.1, name: 'opt_untouched_default' });
    const train = opt.minimize(loss);
    const sess = new Session();
    for (let i = 0; i < 3; i++) sess.run(train);
    expect(toFlat(sess.getValue(u))).toEqual([3, 4]);
    expect(toFlat(sess.getValue(w))).not.toEqual([1, 2]);
    expect(opt.slots(u).size).toBe(0);
  });

  it('are paired with a null gradient and left alone when listed explicitly', () => {
    const { w, u, loss } = setup('explicit');
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9, name: 'opt_untouched_explicit' });
    const pairs = opt.computeGradients(loss, [w, u]);
    expect(pairs[1]).toEqual([null, u]);
    const train = opt.applyGradients(pairs);
    const sess = new Session();
    for (let i = 0; i < 3; i++) sess.run(train);
    expect(toFlat(sess.getValue(u))).toEqual([3, 4]);
  });

  it('int32 variables are never in the default list, even when marked trainable', () => {
    const w = variable('w_with_counter', f64([1, 2], [2]));
    const counter = variable('counter', { data: Int32Array.of(3), shape: [] });
    const loss = mul(sum(square(w)), cast(counter, 'float64'));
    const opt = new SGD({ learningRate: 0.1, name: 'opt_counter' });
    expect(opt.computeGradients(loss).map(([, v]) => v)).toEqual([w]);
    const sess = new Session();
    sess.run(opt.minimize(loss));
    expect(toFlat(sess.getValue(w))).toEqual([1 - 0.1 * 6, 2 - 0.1 * 12]);
    expect(toFlat(sess.getValue(counter))).toEqual([3]);
  });

  it('a loss that depends on no variable is an error naming it', () => {
    const opt = new SGD({ name: 'opt_none' });
    expect(() => opt.minimize(sum(constant([1, 2], { dtype: 'float64' }), { name: 'lonely' })))
      .toThrow("opt_none.computeGradients: sum 'lonely' depends on no trainable variable");
  });
});

it('computeGradients then applyGradients, with clipping in between, equals minimize with clipGlobalNorm', () => {
  const run = (tag: string, manual: boolean) => {
    const { W, b, loss } = problem(tag);
    const opt = new Adam({ learningRate: 0.1, clipGlobalNorm: manual ? undefined : 2, name: `opt_${tag}` });
    let train: Node;
    if (manual) {
      const pairs = opt.computeGradients(loss);
      expect(pairs.map(([, v]) => v)).toEqual([W, b]);
      const { grads: clipped } = clipByGlobalNorm(pairs.map(([g]) => g), 2);
      train = opt.applyGradients(pairs.map(([, v], i) => [clipped[i], v] as const));
    } else {
      train = opt.minimize(loss);
    }
    const sess = new Session();
    for (let i = 0; i < 3; i++) sess.run(train);
    return [...toFlat(sess.getValue(W)), ...toFlat(sess.getValue(b)), ...toFlat(sess.getValue(opt.slots(W).get('v')!))];
  };
  const a = run('round_manual', true);
  const b = run('round_minimize', false);
  expect(a).toEqual(b);
  expect(a.slice(0, 6)).not.toEqual(W0);
});

describe('bad input', () => {
  it('hyperparameters out of range name the optimizer and the value', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow('Adam: beta1 must be in [0, 1), got 1');
    expect(() => new SGD({ learningRate: -1 })).toThrow('SGD: learningRate must be a non-negative number, got -1');
    expect(() => new SGD({ nesterov: true })).toThrow('SGD: nesterov needs a momentum > 0');
    expect(() => new RMSProp({ clipGlobalNorm: 0 })).toThrow('RMSProp: clipGlobalNorm must be a positive number, got 0');
  });

  it('a gradient whose shape differs from its variable is refused', () => {
    const w = variable('bad_grad_w', f64([1, 2], [2]));
    const opt = new SGD({ name: 'opt_bad_grad' });
    expect(() => opt.applyGradients([[constant([1, 2, 3], { dtype: 'float64', name: 'g3' }), w]]))
      .toThrow("opt_bad_grad.applyGradients: gradient constant 'g3' is [3] float64, but variable 'bad_grad_w' is [2] float64");
  });

  it('a variable listed twice is refused', () => {
    const w = variable('twice_w', f64([1, 2], [2]));
    const opt = new SGD({ name: 'opt_twice' });
    const g = constant([1, 1], { dtype: 'float64' });
    expect(() => opt.applyGradients([[g, w], [g, w]])).toThrow("opt_twice.applyGradients: variable 'twice_w' appears twice");
  });
});

describe('variables moved into a plan\'s WebAssembly arena (SIMD fused updates)', () => {
  // Large enough for a WebAssembly arena (64 KiB) and for fusion (2048 elements per array).
  const M = 96, N = 64;
  const c = Float32Array.from({ length: M * N }, (_, i) => Math.sin(i) * 0.5);
  const train = (opts: ConstructorParameters<typeof Session>[0], tag: string, evalFirst: boolean) => {
    const w = variable(`wm${tag}`, { data: Float32Array.from({ length: M * N }, (_, i) => Math.cos(i)), shape: [M, N] });
    const loss = sum(square(sub(w, constant({ data: c, shape: [M, N] }))));
    const s = new Session(opts);
    // A plan made first (the loss alone) holds the variable; one made after the training plan reads its storage there.
    if (evalFirst) s.run(loss);
    const step = new Adam({ learningRate: 0.01 }).minimize(loss);
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.run(step);
      losses.push(toFlat(s.run(loss))[0]);
    }
    return { losses, w: toFlat(s.getValue(w)) };
  };

  for (const evalFirst of [false, true]) {
    it(`Adam trains bit for bit as in JavaScript, and every plan sees the updated values${evalFirst ? ' (a plan made before)' : ''}`, () => {
      const simd = train({}, `a${evalFirst}`, evalFirst), js = train({ wasm: false }, `b${evalFirst}`, evalFirst);
      expect(simd.w).toEqual(js.w);
      expect(simd.losses).toEqual(js.losses);
      // the loss falls (the updates landed in the variable every plan reads)
      for (let i = 1; i < 5; i++) expect(simd.losses[i]).toBeLessThan(simd.losses[i - 1]);
    });
  }
});
