import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Initializer } from '../../src/init/initializers.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { constant } from '../../src/graph/constant.js';
import { matmul } from '../../src/ops/matmul.js';
import { mean } from '../../src/ops/mean.js';
import { square } from '../../src/ops/square.js';
import { sub } from '../../src/ops/sub.js';
import { variable } from '../../src/ops/variable.js';
import { Adam, variablesOf } from '../../src/optim/index.js';
import { CheckpointError, crc32, loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../src/node/index.js';

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'dagrad-ckpt-'));
const file = (name: string) => nodePath.join(dir, name);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const bytesOf = (a: { data: unknown }) => {
  const d = a.data as Float32Array | Float64Array | Int32Array;
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
};
const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

it('crc32 is the IEEE CRC-32 (check value of "123456789")', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
});

describe('round trip', () => {
  const f32 = Float32Array.of(Math.fround(0.1), -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, -1.5);
  const f64 = Float64Array.of(0.1, -0, NaN, 5e-324, Number.MAX_VALUE, -Math.PI);
  const i32 = Int32Array.of(-2147483648, 2147483647, 0, -1, 42, 7);
  const make = (tag: string, zero: boolean) => ({
    a: variable('a', { data: zero ? new Float32Array(8) : f32, shape: [2, 4] }),
    b: variable('b', { data: zero ? new Float64Array(6) : f64, shape: [3, 2] }),
    c: variable('c', { data: zero ? new Int32Array(6) : i32, shape: [6] }),
    s: variable(`scalar`, { data: Float64Array.of(zero ? 0 : 2.5), shape: [] }),
    tag,
  });

  it('float32, float64, int32 and scalars come back bit-exact, into a fresh session', () => {
    const src = make('src', false);
    const from = new Session();
    from.initialize([src.a, src.b, src.c, src.s]);
    const path = file('exact.ckpt');
    saveCheckpoint(from, path);
    const dst = make('dst', true);
    const to = new Session();
    expect(loadCheckpoint(to, path, [dst.a, dst.b, dst.c, dst.s])).toEqual(['a', 'b', 'c', 'scalar']);
    expect(bytesOf(to.getValue(dst.a))).toEqual(bytesOf({ data: f32 }));
    expect(bytesOf(to.getValue(dst.b))).toEqual(bytesOf({ data: f64 }));
    expect(bytesOf(to.getValue(dst.c))).toEqual(bytesOf({ data: i32 }));
    expect(toFlat(to.getValue(dst.s))).toEqual([2.5]);
    expect(Object.is(toFlat(to.getValue(dst.b))[1], -0)).toBe(true);
  });

  it('readCheckpoint returns every variable by name with its shape and dtype', () => {
    const read = readCheckpoint(file('exact.ckpt'));
    expect(Object.keys(read)).toEqual(['a', 'b', 'c', 'scalar']);
    expect(read.a.shape).toEqual([2, 4]);
    expect(read.a.data).toBeInstanceOf(Float32Array);
    expect(read.c.data).toBeInstanceOf(Int32Array);
    expect(read.scalar.shape).toEqual([]);
    expect(bytesOf(read.b)).toEqual(bytesOf({ data: f64 }));
  });
});

/** A model and its training step, built afresh each time, as a new process would. */
function model() {
  const X = constant([[1, 2], [0.5, -1], [-2, 0.3], [1.5, 1]], { dtype: 'float32' });
  const Y = constant([[1], [0.5], [-1], [2]], { dtype: 'float32' });
  const W = variable('W', { data: Float32Array.of(0.1, -0.2), shape: [2, 1] });
  const b = variable('b', { data: Float32Array.of(0.3), shape: [1] });
  const loss = mean(square(sub(add(matmul(X, W), b), Y)));
  const opt = new Adam({ learningRate: 0.1, name: 'opt' });
  const train = opt.minimize(loss);
  return { W, b, opt, train };
}
const state = (sess: Session, m: ReturnType<typeof model>) =>
  [m.W, m.b, m.opt.step, ...m.opt.variables()].map((v) => [v.name, toFlat(sess.getValue(v))]);

it('carries optimizer slots: 3 steps, save, load into a fresh session and graph, 3 more steps equal 6 straight steps', () => {
  const straight = model();
  const s6 = new Session();
  for (let i = 0; i < 6; i++) s6.run(straight.train);

  const first = model();
  const s3 = new Session();
  for (let i = 0; i < 3; i++) s3.run(first.train);
  const path = file('train.ckpt');
  saveCheckpoint(s3, path);
  expect(Object.keys(readCheckpoint(path)).sort()).toEqual(['W', 'b', 'opt/W/m', 'opt/W/v', 'opt/b/m', 'opt/b/v', 'opt/step']);

  const resumed = model();
  const fresh = new Session();
  loadCheckpoint(fresh, path, variablesOf(resumed.train));
  expect(toFlat(fresh.getValue(resumed.opt.step))).toEqual([3]);
  for (let i = 0; i < 3; i++) fresh.run(resumed.train);

  expect(state(fresh, resumed)).toEqual(state(s6, straight));
  expect(toFlat(fresh.getValue(resumed.W))).not.toEqual([Math.fround(0.1), Math.fround(-0.2)]);
});

describe('a damaged file is a clear error', () => {
  const path = file('good.ckpt');
  const sess = new Session();
  const w = variable('w', { data: Float64Array.of(1, 2, 3), shape: [3, 1] });
  sess.initialize([w]);
  saveCheckpoint(sess, path);
  const good = fs.readFileSync(path);
  const write = (name: string, bytes: Uint8Array) => {
    fs.writeFileSync(file(name), bytes);
    return file(name);
  };

  it('truncated, at any length', () => {
    for (const cut of [0, 5, 27]) {
      const p = write('cut.ckpt', good.subarray(0, cut));
      expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' is truncated: ${cut} bytes, shorter than the 28-byte prefix`);
    }
    for (const cut of [28, 40, good.length >> 1, good.length - 1]) {
      const p = write('cut.ckpt', good.subarray(0, cut));
      expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' is truncated: ${cut} of its ${good.length} bytes`);
    }
  });

  it('a flipped byte in the data or the header fails the checksum; nothing is loaded', () => {
    for (const at of [good.length - 10, 40]) {
      const bad = Uint8Array.from(good);
      bad[at] ^= 0x01;
      const p = write('flip.ckpt', bad);
      expect(() => readCheckpoint(p)).toThrow(new RegExp(`^checkpoint '${p}' is corrupted: its CRC-32 is 0x[0-9a-f]{8} but its contents give 0x[0-9a-f]{8}$`));
      const other = new Session();
      other.setValue(w, [[7], [8], [9]]);
      expect(() => loadCheckpoint(other, p, [w])).toThrow(CheckpointError);
      expect(toFlat(other.getValue(w))).toEqual([7, 8, 9]);
    }
  });

  it('a flipped byte in the prefix (a length field) is corruption, not truncation', () => {
    const bad = Uint8Array.from(good);
    bad[17] ^= 0x40;
    const p = write('prefix.ckpt', bad);
    expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' is corrupted: the checksum of its 28-byte prefix does not match`);
  });

  it('bytes after the end are corruption', () => {
    const p = write('long.ckpt', Buffer.concat([good, Buffer.from([0])]));
    expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' is corrupted: 1 bytes follow its end at byte ${good.length}`);
  });

  it('wrong magic: not a checkpoint at all', () => {
    const p = write('notes.txt', new TextEncoder().encode('{"weights": [1, 2, 3]}'));
    expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' is not a dagrad checkpoint: it starts with "{\\"weight", not "DAGRADCK"`);
  });

  it('a newer format version is named', () => {
    const bad = Uint8Array.from(good);
    const view = new DataView(bad.buffer);
    view.setUint32(8, 2, true);
    view.setUint32(24, crc32(bad, 0, 24), true);
    const p = write('v2.ckpt', bad);
    expect(() => readCheckpoint(p)).toThrow(`checkpoint '${p}' has format version 2; this dagrad reads version 1`);
  });

  it('a missing file names the path', () => {
    expect(() => readCheckpoint(file('nope.ckpt'))).toThrow(`readCheckpoint '${file('nope.ckpt')}': ENOENT`);
  });
});

describe('loading checks names, shapes and dtypes', () => {
  const path = file('shapes.ckpt');
  const sess = new Session();
  const saved = [
    variable('w', { data: new Float32Array(3), shape: [3, 1] }),
    variable('b', { data: new Float32Array(1), shape: [1] }),
    variable('opt/step', { data: new Int32Array(1), shape: [] }),
  ];
  sess.initialize(saved);
  saveCheckpoint(sess, path);

  it('lists every mismatch in one error and loads nothing', () => {
    const w = variable('w', { data: Float32Array.of(1, 2, 3, 4), shape: [4, 1] });
    const b = variable('b', { data: Float64Array.of(5), shape: [1] });
    const c = variable('c', { data: Float32Array.of(6), shape: [1] });
    const target = new Session();
    expect(() => loadCheckpoint(target, path, [w, b, c])).toThrow(
      `loadCheckpoint '${path}': the checkpoint does not fit (nothing was loaded):\n` +
        "  variable 'w': shape [3,1] in the checkpoint vs [4,1] in the graph\n" +
        "  variable 'b': dtype float32 in the checkpoint vs float64 in the graph\n" +
        "  missing variable 'c' [1] float32: not in the checkpoint\n" +
        "  unexpected extra 'opt/step' [] int32: in the checkpoint but not among the variables loaded",
    );
    expect(toFlat(target.getValue(w))).toEqual([1, 2, 3, 4]);
  });

  it('strict: false ignores extras in the file (weights from a training checkpoint)', () => {
    const w = variable('w', { data: Float32Array.of(1, 2, 3), shape: [3, 1] });
    const target = new Session();
    expect(loadCheckpoint(target, path, [w], { strict: false })).toEqual(['w']);
    expect(toFlat(target.getValue(w))).toEqual([0, 0, 0]);
  });

  it('a session that holds no variables yet asks for them', () => {
    expect(() => loadCheckpoint(new Session(), path)).toThrow(
      `loadCheckpoint '${path}': no variables to load into; the session holds none yet, so pass them (e.g. variablesOf(trainStep))`,
    );
  });
});

describe('a failed save leaves the previous checkpoint as it was', () => {
  const path = file('keep.ckpt');
  const v = variable('keep', { data: Float64Array.of(1, 2), shape: [2] });
  const sess = new Session();
  sess.initialize([v]);
  saveCheckpoint(sess, path);
  const before = fs.readFileSync(path);
  const next = () => sess.setValue(v, [3, 4]);
  const unchanged = () => {
    expect(fs.readFileSync(path).equals(before)).toBe(true);
    expect(toFlat(readCheckpoint(path).keep)).toEqual([1, 2]);
    expect(leftovers()).toEqual([]);
  };

  it('when the disk fills up halfway through the write', () => {
    next();
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buf: Uint8Array, off: number, len: number) => {
      real(fd, buf, off, len >> 1);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as unknown as typeof fs.writeSync);
    expect(() => saveCheckpoint(sess, path)).toThrow(
      `saveCheckpoint '${path}': ENOSPC: no space left on device, write; the previous checkpoint, if any, is unchanged`,
    );
    unchanged();
  });

  it('when fsync fails', () => {
    next();
    vi.spyOn(fs, 'fsyncSync').mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    expect(() => saveCheckpoint(sess, path)).toThrow(CheckpointError);
    unchanged();
  });

  it('when a value cannot be produced', () => {
    const broken: Initializer = { shape: [2], dtype: 'float64', description: 'broken', create: () => { throw new Error('no value'); } };
    expect(() => saveCheckpoint(sess, path, [v, variable('broken', broken)])).toThrow('no value');
    unchanged();
  });

  it('when the directory does not exist', () => {
    const missing = nodePath.join(dir, 'no-such-dir', 'x.ckpt');
    expect(() => saveCheckpoint(sess, missing)).toThrow(`saveCheckpoint '${missing}': ENOENT`);
    unchanged();
  });

  it('and a successful save replaces it', () => {
    next();
    saveCheckpoint(sess, path);
    expect(toFlat(readCheckpoint(path).keep)).toEqual([3, 4]);
    expect(leftovers()).toEqual([]);
  });
});

it('the browser-safe core never imports Node modules or src/node', () => {
  const root = nodePath.resolve(__dirname, '../../src');
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = nodePath.join(d, e.name);
      if (e.isDirectory()) {
        if (p !== nodePath.join(root, 'node')) walk(p);
      } else if (p.endsWith('.ts')) {
        const src = fs.readFileSync(p, 'utf8');
        if (/from '(node:|fs'|path'|os'|\.\.?\/(\.\.\/)*node\/)/.test(src) || /types="node"/.test(src)) offenders.push(nodePath.relative(root, p));
      }
    }
  };
  walk(root);
  expect(offenders).toEqual([]);
});
