/**
 * Loads the WebAssembly SIMD kernels (assembly/kernels.ts, checked in as base64 in ./binary.ts) and
 * holds the memories they run in:
 * - one scratch memory, grown on demand, into which kernels copy their operands (matmul);
 * - arenas: fixed-size memories in which callers place arrays, so kernels run on them with no copy.
 *   An arena never grows (growing would detach every array view on it); past its arrays it carries
 *   ARENA_WORK bytes of working space, where kernels stage what does not suit them in place.
 * Both are a `Workspace`: kernels bound to one memory, views of it, and room to stage in.
 * Where WebAssembly SIMD is missing, or `setWasmEnabled(false)` / DAGRAD_WASM=0 turned it off, every
 * kernel takes its JavaScript path, which is also the reference the tests compare against.
 */
import { bytesPer, viewOf } from '../graph/dtype.js';
import { KERNELS_WASM_BASE64 } from './binary.js';

type Ptr = number;
export interface Kernels {
  /** o = x (op) y; mode 0 dense, 1/2 y/x the scalar s, 3/4 y/x a row of m, 5/6 y/x a column (lines of m): assembly/kernels.ts. */
  add_f32(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  sub_f32(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  mul_f32(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  div_f32(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  add_f64(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  sub_f64(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  mul_f64(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  div_f64(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number, m: number): void;
  neg_f32(o: Ptr, x: Ptr, n: number): void;
  neg_f64(o: Ptr, x: Ptr, n: number): void;
  sqrt_f32(o: Ptr, x: Ptr, n: number): void;
  sqrt_f64(o: Ptr, x: Ptr, n: number): void;
  sigmoid_f32(o: Ptr, x: Ptr, n: number): void;
  logisticLoss_f32(o: Ptr, x: Ptr, y: Ptr, n: number, mode: number, s: number): void;
  /** For tests: the SIMD kernels' e^t (t <= 0) and log1p(u) (u in [0, 1]), in float64. */
  expNeg_f64(o: Ptr, x: Ptr, n: number): void;
  log1pUnit_f64(o: Ptr, x: Ptr, n: number): void;
  pack_f32(dst: Ptr, src: Ptr, rs: number, cs: number, rows: number, K: number, mr: number): void;
  pack_f64(dst: Ptr, src: Ptr, rs: number, cs: number, rows: number, K: number, mr: number): void;
  gemm_f32(M: number, N: number, K: number, ap: Ptr, bp: Ptr, c: Ptr, ldc: number, edge: Ptr): void;
  gemm_f64(M: number, N: number, K: number, ap: Ptr, bp: Ptr, c: Ptr, ldc: number, edge: Ptr): void;
  gemv_f32(M: number, K: number, a: Ptr, lda: number, x: Ptr, y: Ptr): void;
  gevm_f32(N: number, K: number, a: Ptr, lda: number, x: Ptr, y: Ptr): void;
  conv_f32(xp: Ptr, Hp: number, Wp: number, C: number, c0: number, Cg: number, imgs: number, OH: number, OW: number,
    sh: number, sw: number, dh: number, dw: number, KH: number, KW: number, bp: Ptr, O: number, y: Ptr, ldy: number, edge: Ptr): void;
  convFilter_f32(xp: Ptr, Hp: number, Wp: number, C: number, c0: number, Cg: number, imgs: number, OH: number, OW: number,
    sh: number, sw: number, dh: number, dw: number, KH: number, KW: number, dy: Ptr, ldd: number, O: number, df: Ptr, ldf: number, acc: number, edge: Ptr): void;
  tanh_f32(o: Ptr, x: Ptr, n: number): void;
  tanh_f64(o: Ptr, x: Ptr, n: number): void;
  softplus_f32(o: Ptr, x: Ptr, n: number): void;
  softplus_f64(o: Ptr, x: Ptr, n: number): void;
  relu_f32(o: Ptr, x: Ptr, n: number): void;
  relu_f64(o: Ptr, x: Ptr, n: number): void;
  /** A fused elementwise program (assembly/math.ts) at `prog` over n elements. */
  fused_f32(prog: Ptr, n: number, blk: number): void;
  fused_f64(prog: Ptr, n: number, blk: number): void;
  /** The narrow products (assembly/narrow.ts; driven by src/wasm/matmul.ts). */
  narrowRows_f64(R: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, nv: number, c: Ptr, ldc: number, cols: number, first: boolean): void;
  narrowCols_f32(I: number, kb: number, a: Ptr, lda: number, b: Ptr, ldb: number, J: number, t: Ptr, ldt: number, first: boolean): void;
  narrowCols_f64(I: number, kb: number, a: Ptr, lda: number, b: Ptr, ldb: number, J: number, t: Ptr, ldt: number, first: boolean): void;
  narrowDots_f32(rows: number, K: number, a: Ptr, lda: number, b: Ptr, J: number, c: Ptr, ldc: number, cs: number): void;
  /** o[j] = sum over i < R of x[i ld + j], j < C, in float64 (assembly/reduce.ts). */
  colSum_f32(o: Ptr, x: Ptr, R: number, C: number, ld: number): void;
  colSum_f64(o: Ptr, x: Ptr, R: number, C: number, ld: number): void;
  /** Softmax (log-softmax when `log`) of R rows of n, row strides ldx, ldo, with Math.exp's and Math.log's bits (assembly/softmax.ts). */
  softmax_f32(o: Ptr, x: Ptr, R: number, n: number, ldx: number, ldo: number, log: boolean): void;
  softmax_f64(o: Ptr, x: Ptr, R: number, n: number, ldx: number, ldo: number, log: boolean): void;
  /** For tests: fdlibm's exp and log as the softmax kernel computes them, over n float64 values. */
  exp_f64(o: Ptr, x: Ptr, n: number): void;
  log_f64(o: Ptr, x: Ptr, n: number): void;
}

const PAGE = 65536;

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** undefined: not tried yet; null: unavailable (no WebAssembly, or no SIMD). */
let compiled: WebAssembly.Module | null | undefined;

function load(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly !== 'object') return null;
  const bytes = decode(KERNELS_WASM_BASE64);
  try {
    // The module is small, so compiling it synchronously is allowed even on a browser's main thread.
    compiled = new WebAssembly.Module(bytes as BufferSource);
  } catch {
    // An engine without SIMD rejects the module; a main thread that refuses synchronous compiles
    // gets it asynchronously (JavaScript kernels run until then).
    if (typeof WebAssembly.compile === 'function') {
      WebAssembly.compile(bytes as BufferSource).then((m) => (compiled = m), () => undefined);
    }
  }
  return compiled;
}

function readEnv(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.DAGRAD_WASM !== '0';
}

let enabled = readEnv();

/** Calls that ran in WebAssembly, by kernel family: lets tests and benchmarks see which path ran. */
export const wasmCalls = { matmul: 0, elementwise: 0, conv: 0, reduce: 0, softmax: 0 };

/** Turns the WebAssembly kernels on or off (off: every kernel runs its JavaScript path). */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

/** True when kernels will use WebAssembly SIMD: it is enabled and the module loaded. */
export function wasmEnabled(): boolean {
  return enabled && load() !== null;
}

function instantiate(memory: WebAssembly.Memory): Kernels {
  return new WebAssembly.Instance(load()!, { env: { memory } }).exports as unknown as Kernels;
}

/**
 * The scratch memory operands are copied into. It is replaced, never grown: growing a memory
 * detaches its old ArrayBuffer, and the first detached ArrayBuffer in a process makes V8 check for
 * detachment in every optimized typed-array loop from then on (measured: plain JavaScript loops over
 * typed arrays ran 2-3x slower everywhere in the process).
 */
export class Scratch implements Workspace {
  readonly base = 0;
  memory = new WebAssembly.Memory({ initial: 16 });
  kernels = instantiate(this.memory);
  f32 = new Float32Array(this.memory.buffer);
  f64 = new Float64Array(this.memory.buffer);

  /** Makes the memory at least `bytes` long (contents are not kept). */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(Math.max(bytes, 2 * have) / PAGE) });
    this.kernels = instantiate(this.memory);
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  reserve(bytes: number): boolean {
    this.ensure(bytes);
    return true;
  }
}

let scratch: Scratch | undefined;
/** The shared scratch memory, or undefined when WebAssembly kernels are off. */
export function wasmScratch(): Scratch | undefined {
  if (!wasmEnabled()) return undefined;
  return (scratch ??= new Scratch());
}

/**
 * A memory kernels run in, with room to stage operands: the scratch memory (which grows) or an
 * arena's working space (which does not). Arrays whose buffer is `f32.buffer` live in it, so a
 * kernel may read and write them in place, at their byte offsets.
 */
export interface Workspace {
  /** The kernels bound to this memory. */
  readonly kernels: Kernels;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  /** The byte offset where the working space starts (16-byte aligned). */
  readonly base: number;
  /**
   * Whether `bytes` bytes from `base` may be used. The scratch memory is replaced by a larger one
   * when needed (so read kernels and views after this call); an arena's answers false.
   */
  reserve(bytes: number): boolean;
}

/**
 * Bytes of working space every arena memory carries past its arrays. The fused SIMD loop keeps its
 * registers and program in the first ARENA_SCRATCH of them; the narrow matrix products stage the
 * small operand and the result there (src/wasm/matmul.ts). Each call writes what it reads there
 * first, so calls share the space. Pages no call touches cost address space only.
 */
export const ARENA_WORK = 16 * PAGE;
/** The part of ARENA_WORK the fused SIMD loop may take (see there). */
export const ARENA_SCRATCH = PAGE;

const arenas = new WeakMap<ArrayBufferLike, Workspace>();

/** The byte offset of the working space in the arena holding `buffer`, if any. */
export function scratchOf(buffer: ArrayBufferLike): number | undefined {
  return arenas.get(buffer)?.base;
}

/** The kernels bound to the arena that holds `buffer`, if any. */
export function kernelsFor(buffer: ArrayBufferLike): Kernels | undefined {
  return arenas.get(buffer)?.kernels;
}

/** The workspace of the arena that holds `buffer`, if any. */
export function arenaWorkspace(buffer: ArrayBufferLike): Workspace | undefined {
  return arenas.get(buffer);
}

export type ArenaArray = Float32Array | Float64Array | Int32Array;

/**
 * A fixed-size WebAssembly memory to place arrays in, so that elementwise kernels on them run as
 * SIMD with no copy. Allocation is a bump pointer (16-byte aligned); `reset` frees everything at once.
 * Requires WebAssembly SIMD: check `wasmEnabled()` first.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  readonly bytes: number;
  private top = 0;

  constructor(bytes: number) {
    if (load() === null) throw new Error('WasmArena: WebAssembly SIMD is not available');
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    // Working space past the arrays, for kernels that need it in the same memory.
    const total = pages + ARENA_WORK / PAGE;
    this.memory = new WebAssembly.Memory({ initial: total, maximum: total });
    this.bytes = pages * PAGE;
    const buffer = this.memory.buffer;
    arenas.set(buffer, {
      kernels: instantiate(this.memory),
      f32: new Float32Array(buffer),
      f64: new Float64Array(buffer),
      base: this.bytes,
      reserve: (n) => n <= ARENA_WORK,
    });
  }

  /** Bytes handed out so far. */
  get used(): number {
    return this.top;
  }

  alloc(dtype: 'float32' | 'float64' | 'int32', size: number): ArenaArray {
    const width = bytesPer(dtype);
    const at = this.top;
    const end = at + size * width;
    if (end > this.bytes) {
      throw new RangeError(`WasmArena: ${size} x ${dtype} does not fit (${this.bytes - at} of ${this.bytes} bytes left)`);
    }
    this.top = (end + 15) & ~15;
    const buf = this.memory.buffer;
    return viewOf(dtype, buf, at, size);
  }

  /** Frees every array at once; views handed out before must not be used afterwards. */
  reset(): void {
    new Uint8Array(this.memory.buffer, 0, this.top).fill(0);
    this.top = 0;
  }
}

/**
 * An arena maker for `new Session({ arena: wasmArena })`: each plan's buffers then live in a
 * WebAssembly memory of their own, and elementwise ops between them run as SIMD with no copy.
 * Without WebAssembly SIMD it returns a plain ArrayBuffer (the JavaScript kernels run).
 * NOTE: engines reserve address space per WebAssembly memory, so this suits a few long-lived
 * plans (a training step), not thousands of throwaway ones.
 */
export function wasmArena(bytes: number): ArrayBuffer {
  if (load() === null) return new ArrayBuffer(bytes);
  return new WasmArena(bytes).memory.buffer;
}

/** Plans smaller than this keep an ordinary ArrayBuffer under `defaultArena`, unless their SIMD work is large (see there). */
export const DEFAULT_ARENA_MIN = 1 << 16;
/**
 * Elements of elementwise work per run from which `defaultArena` gives even a small plan a
 * WebAssembly memory: making one costs ~50 us, and on [64] arrays a chain of ops ran ~3 ns per
 * element fused in SIMD against ~14 in the JavaScript kernels, so one run of this much work pays for it.
 */
export const DEFAULT_ARENA_WORK = 1 << 14;

/**
 * The arena maker a Session uses by default: while WebAssembly is enabled, a WebAssembly memory
 * (so elementwise ops run as SIMD on the plan's buffers with no copy, and groups of them as one
 * fused SIMD pass) for plans of 64 KiB and more, or whose runs compute at least 16Ki elements in
 * elementwise steps on arrays of 32 elements or more (`work`: a long chain of small ops, which
 * needs little memory); an ArrayBuffer otherwise. Small plans with little such work gain nothing
 * from SIMD (kernels below 32 elements run in JavaScript anyway) and engines reserve address space
 * for every WebAssembly memory (and making one costs ~50 us), so a program compiling thousands of
 * small throwaway plans keeps using ordinary memory.
 */
export function defaultArena(bytes: number, work = 0): ArrayBuffer {
  return (bytes >= DEFAULT_ARENA_MIN || work >= DEFAULT_ARENA_WORK) && wasmEnabled() ? wasmArena(bytes) : new ArrayBuffer(bytes);
}
