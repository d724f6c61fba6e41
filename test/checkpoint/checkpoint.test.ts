import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adam, CheckpointError, Session, add, constant, crc32, loadCheckpointBytes, matmul, mean, readCheckpointBytes,
  saveCheckpointBytes, square, sub, toFlat, variable, variablesOf,
} from '../../src/index.js';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../src/node/index.js';

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'dagrad-ckbytes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const bytesOf = (a: { data: unknown }) => {
  const d = a.data as Float32Array | Float64Array | Int32Array;
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
};

describe('the byte layout', () => {
  it('is the documented format, byte for byte (built here by hand from the format comment)', () => {
    const w = variable('w', { data: Float64Array.of(1, -2), shape: [2] });
    const sess = new Session();
    sess.initialize([w]);
    const header = new TextEncoder().encode('{"variables":[{"name":"w","dtype":"float64","shape":[2],"offset":0,"bytes":16}]}');
    const dataStart = Math.ceil((28 + header.length) / 8) * 8;
    const expected = new Uint8Array(dataStart + 16 + 4);
    const view = new DataView(expected.buffer);
    expected.set([0x44, 0x41, 0x47, 0x52, 0x41, 0x44, 0x43, 0x4b], 0); // "DAGRADCK"
    view.setUint32(8, 1, true);
    view.setUint32(12, header.length, true);
    view.setUint32(16, expected.length, true); // low word of the u64; the high word stays 0
    view.setUint32(24, crc32(expected, 0, 24), true);
    expected.set(header, 28);
    view.setFloat64(dataStart, 1, true);
    view.setFloat64(dataStart + 8, -2, true);
    view.setUint32(expected.length - 4, crc32(expected, 0, expected.length - 4), true);
    expect(Array.from(saveCheckpointBytes(sess, [w]))).toEqual(Array.from(expected));
  });

  it('is what dagrad/node writes to a file, and each reads the other', () => {
    const a = variable('a', { data: Float32Array.of(0.5, -0, NaN), shape: [3] });
    const n = variable('n', { data: Int32Array.of(-7), shape: [] });
    const sess = new Session();
    sess.initialize([a, n]);
    const path = nodePath.join(dir, 'same.ckpt');
    saveCheckpoint(sess, path);
    const bytes = saveCheckpointBytes(sess);
    expect(Array.from(fs.readFileSync(path))).toEqual(Array.from(bytes));
    expect(bytesOf(readCheckpointBytes(fs.readFileSync(path)).a)).toEqual(bytesOf(readCheckpoint(path).a));
    const other = new Session();
    fs.writeFileSync(nodePath.join(dir, 'from-bytes.ckpt'), bytes);
    expect(loadCheckpoint(other, nodePath.join(dir, 'from-bytes.ckpt'), [a, n])).toEqual(['a', 'n']);
    expect(toFlat(other.getValue(n))).toEqual([-7]);
  });
});

describe('round trip in bytes', () => {
  it('float32, float64, int32 and scalars come back bit-exact into a fresh session', () => {
    const f32 = Float32Array.of(Math.fround(0.1), -0, NaN, Infinity, -Infinity, 1e-45);
    const f64 = Float64Array.of(0.1, -0, 5e-324, Number.MAX_VALUE);
    const i32 = Int32Array.of(-2147483648, 2147483647, 0, 42);
    const make = (zero: boolean) => [
      variable('a', { data: zero ? new Float32Array(6) : f32, shape: [2, 3] }),
      variable('b', { data: zero ? new Float64Array(4) : f64, shape: [4] }),
      variable('c', { data: zero ? new Int32Array(4) : i32, shape: [2, 2] }),
      variable('s', { data: Float64Array.of(zero ? 0 : 2.5), shape: [] }),
    ];
    const from = new Session();
    from.initialize(make(false));
    const bytes = saveCheckpointBytes(from);
    const dst = make(true);
    const to = new Session();
    expect(loadCheckpointBytes(to, bytes, dst)).toEqual(['a', 'b', 'c', 's']);
    expect(bytesOf(to.getValue(dst[0]))).toEqual(bytesOf({ data: f32 }));
    expect(bytesOf(to.getValue(dst[1]))).toEqual(bytesOf({ data: f64 }));
    expect(bytesOf(to.getValue(dst[2]))).toEqual(bytesOf({ data: i32 }));
    expect(toFlat(to.getValue(dst[3]))).toEqual([2.5]);
  });

  it('reads bytes that sit at an offset inside a larger buffer (a subarray)', () => {
    const w = variable('w', { data: Float64Array.of(3, 4), shape: [2] });
    const sess = new Session();
    sess.initialize([w]);
    const bytes = saveCheckpointBytes(sess);
    const big = new Uint8Array(bytes.length + 13);
    big.set(bytes, 5);
    expect(toFlat(readCheckpointBytes(big.subarray(5, 5 + bytes.length)).w)).toEqual([3, 4]);
  });

  it('carries optimizer state: 2 steps, bytes, 2 more steps in a new session equal 4 straight steps', () => {
    const model = () => {
      const X = constant([[1, 2], [0.5, -1], [-2, 0.3]], { dtype: 'float32' });
      const Y = constant([[1], [0.5], [-1]], { dtype: 'float32' });
      const W = variable('W', { data: Float32Array.of(0.1, -0.2), shape: [2, 1] });
      const b = variable('b', { data: Float32Array.of(0.3), shape: [1] });
      const train = new Adam({ learningRate: 0.1, name: 'opt' }).minimize(mean(square(sub(add(matmul(X, W), b), Y))));
      return { W, train };
    };
    const straight = model();
    const s4 = new Session();
    for (let i = 0; i < 4; i++) s4.run(straight.train);
    const first = model();
    const s2 = new Session();
    for (let i = 0; i < 2; i++) s2.run(first.train);
    const bytes = saveCheckpointBytes(s2, variablesOf(first.train));
    const resumed = model();
    const fresh = new Session();
    loadCheckpointBytes(fresh, bytes, variablesOf(resumed.train));
    for (let i = 0; i < 2; i++) fresh.run(resumed.train);
    expect(toFlat(fresh.getValue(resumed.W))).toEqual(toFlat(s4.getValue(straight.W)));
  });
});

describe('damaged bytes are a clear CheckpointError, with the messages of the file functions', () => {
  const w = variable('w', { data: Float64Array.of(1, 2, 3), shape: [3, 1] });
  const sess = new Session();
  sess.initialize([w]);
  const good = saveCheckpointBytes(sess);

  it('truncated', () => {
    expect(() => readCheckpointBytes(good.subarray(0, 5))).toThrow('checkpoint is truncated: 5 bytes, shorter than the 28-byte prefix');
    expect(() => readCheckpointBytes(good.subarray(0, 40))).toThrow(`checkpoint is truncated: 40 of its ${good.length} bytes`);
  });

  it('a flipped bit fails the CRC-32 and nothing is loaded; a name, when given, is in the message', () => {
    const bad = Uint8Array.from(good);
    bad[bad.length - 10] ^= 0x01;
    expect(() => readCheckpointBytes(bad)).toThrow(/^checkpoint is corrupted: its CRC-32 is 0x[0-9a-f]{8} but its contents give 0x[0-9a-f]{8}$/);
    const other = new Session();
    other.setValue(w, [[7], [8], [9]]);
    expect(() => loadCheckpointBytes(other, bad, [w], { name: 'idb:model' })).toThrow(
      /^checkpoint 'idb:model' is corrupted: its CRC-32 is 0x[0-9a-f]{8} but its contents give/,
    );
    expect(() => loadCheckpointBytes(other, bad, [w])).toThrow(CheckpointError);
    expect(toFlat(other.getValue(w))).toEqual([7, 8, 9]);
  });

  it('a damaged length field, extra bytes, a wrong magic', () => {
    const bad = Uint8Array.from(good);
    bad[17] ^= 0x40;
    expect(() => readCheckpointBytes(bad)).toThrow('checkpoint is corrupted: the checksum of its 28-byte prefix does not match');
    const long = new Uint8Array(good.length + 2);
    long.set(good);
    expect(() => readCheckpointBytes(long)).toThrow(`checkpoint is corrupted: 2 bytes follow its end at byte ${good.length}`);
    expect(() => readCheckpointBytes(new TextEncoder().encode('PK\x03\x04 a zip'))).toThrow(
      'checkpoint is not a dagrad checkpoint: it starts with "PK\\u0003\\u0004 a z", not "DAGRADCK"',
    );
  });

  it('something that is not a Uint8Array (an ArrayBuffer from fetch) says so', () => {
    expect(() => readCheckpointBytes(good.buffer as unknown as Uint8Array)).toThrow(
      'checkpoint is not bytes: expected a Uint8Array, got ArrayBuffer',
    );
  });

  it('a mismatch lists every problem and names the function', () => {
    const w4 = variable('w', { data: new Float64Array(4), shape: [4, 1] });
    const c = variable('c', { data: new Float32Array(1), shape: [1] });
    expect(() => loadCheckpointBytes(new Session(), good, [w4, c])).toThrow(
      'loadCheckpointBytes: the checkpoint does not fit (nothing was loaded):\n' +
        "  variable 'w': shape [3,1] in the checkpoint vs [4,1] in the graph\n" +
        "  missing variable 'c' [1] float32: not in the checkpoint",
    );
    expect(() => saveCheckpointBytes(new Session(), undefined, { name: 'x' })).toThrow(
      "saveCheckpointBytes 'x': no variables to save (the session holds none yet)",
    );
  });
});
