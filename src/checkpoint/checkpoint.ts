/**
 * Checkpoints as bytes: variables' values (model weights, optimizer slots, step counts) in one
 * `Uint8Array`, bit-exact. Browser-safe: a page keeps the bytes in IndexedDB or offers them as a
 * download; `dagrad/node` writes them to files atomically.
 *
 * Format, version 1, every integer little-endian:
 *   0   8 bytes  magic "DAGRADCK"
 *   8   u32      format version (1)
 *   12  u32      byte length H of the JSON header
 *   16  u64      byte length of the whole checkpoint
 *   24  u32      CRC-32 of bytes 0..24 (so a damaged length is told apart from a truncated checkpoint)
 *   28  H bytes  JSON header: { "variables": [{ "name", "dtype", "shape", "offset", "bytes" }, ...] }
 *       zero padding to a multiple of 8
 *   D   data     each variable's values, row-major, little-endian, at D + offset (offsets are multiples of 8)
 *   end-4 u32    CRC-32 of every byte before it
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate, isDType, type DType, type TypedArray } from '../graph/dtype.js';
import { describe, Node } from '../graph/node.js';
import { formatShape, sameShape, sizeOf } from '../graph/shape.js';
import type { Session } from '../session/session.js';
import { crc32 } from './crc32.js';

/** A checkpoint that cannot be read or does not fit the variables it is loaded into. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** How a checkpoint is named in error messages. */
export interface CheckpointNameOptions {
  /** Names the checkpoint in error messages (a file path, an IndexedDB key, a URL); default none. */
  name?: string;
}

export interface LoadOptions {
  /**
   * Default true: a variable in the checkpoint that is not among those loaded is an error. False
   * ignores such extras (to load a model's weights from a training checkpoint that also holds
   * optimizer slots). A variable missing from the checkpoint is always an error.
   */
  strict?: boolean;
}

const MAGIC = 'DAGRADCK';
const VERSION = 1;
const PREFIX = 28;
const ITEM: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** One variable in a checkpoint's header. */
export interface CheckpointEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly offset: number;
  readonly bytes: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;
const named = (what: string, name: string | undefined): string => (name === undefined ? what : `${what} '${name}'`);

/** The bytes of a typed array, little-endian whatever the machine. */
function littleEndianBytes(a: TypedArray): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return LITTLE_ENDIAN ? bytes : swapped(bytes, a.BYTES_PER_ELEMENT);
}

function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  return out;
}

/** The checkpoint's bytes for these variables' current values. */
function encode(session: Session, vars: readonly Node[]): Uint8Array {
  const values = vars.map((v) => littleEndianBytes(session.getValue(v).data as TypedArray)); // getValue copies, contiguous
  let offset = 0;
  const entries: CheckpointEntry[] = vars.map((v, i) => {
    const e = { name: v.name, dtype: v.dtype, shape: v.shape as number[], offset, bytes: values[i].length };
    offset = align8(offset + values[i].length);
    return e;
  });
  const header = new TextEncoder().encode(JSON.stringify({ variables: entries }));
  const dataStart = align8(PREFIX + header.length);
  const total = dataStart + offset + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, header.length, true);
  view.setBigUint64(16, BigInt(total), true);
  view.setUint32(24, crc32(out, 0, 24), true);
  out.set(header, PREFIX);
  entries.forEach((e, i) => out.set(values[i], dataStart + e.offset));
  view.setUint32(total - 4, crc32(out, 0, total - 4), true);
  return out;
}

/**
 * Checks a checkpoint's bytes end to end and returns its variables, in order. `source` starts every
 * error message (`checkpoint 'model.ckpt'`). For dagrad/node; users call readCheckpointBytes.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): { entry: CheckpointEntry; value: NdArray }[] {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source} ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) {
    fail(`is not bytes: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes === 'object' ? (bytes as object).constructor?.name ?? 'an object' : typeof bytes}`);
  }
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (magic !== MAGIC.slice(0, magic.length)) fail(`is not a dagrad checkpoint: it starts with ${JSON.stringify(magic)}, not "${MAGIC}"`);
  if (bytes.length < PREFIX) fail(`is truncated: ${bytes.length} bytes, shorter than the ${PREFIX}-byte prefix`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(24, true) !== crc32(bytes, 0, 24)) fail('is corrupted: the checksum of its 28-byte prefix does not match');
  const version = view.getUint32(8, true);
  if (version !== VERSION) fail(`has format version ${version}; this dagrad reads version ${VERSION}`);
  const headerBytes = view.getUint32(12, true);
  const total = Number(view.getBigUint64(16, true));
  if (total < align8(PREFIX + headerBytes) + 4) fail(`is malformed: a ${headerBytes}-byte header does not fit in ${total} bytes`);
  if (bytes.length < total) fail(`is truncated: ${bytes.length} of its ${total} bytes`);
  if (bytes.length > total) fail(`is corrupted: ${bytes.length - total} bytes follow its end at byte ${total}`);
  const stored = view.getUint32(total - 4, true);
  const computed = crc32(bytes, 0, total - 4);
  if (stored !== computed) fail(`is corrupted: its CRC-32 is ${hex(stored)} but its contents give ${hex(computed)}`);

  let header: { variables?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerBytes)));
  } catch (e) {
    return fail(`has an unreadable header: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(header.variables)) fail('has a header without a variable list');
  const dataStart = align8(PREFIX + headerBytes);
  const seen = new Set<string>();
  return (header.variables as CheckpointEntry[]).map((e, i) => {
    const ok =
      typeof e?.name === 'string' && isDType(e.dtype) && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      Number.isInteger(e.offset) && e.offset % 8 === 0 && e.bytes === sizeOf(e.shape) * ITEM[e.dtype] &&
      dataStart + e.offset + e.bytes <= total - 4;
    if (!ok) fail(`has a malformed header entry ${i}: ${JSON.stringify(e)}`);
    if (seen.has(e.name)) fail(`names variable '${e.name}' twice`);
    seen.add(e.name);
    const raw = bytes.slice(dataStart + e.offset, dataStart + e.offset + e.bytes);
    const le = LITTLE_ENDIAN ? raw : swapped(raw, ITEM[e.dtype]);
    const data = allocate(e.dtype, sizeOf(e.shape));
    new Uint8Array(data.buffer).set(le);
    return { entry: e, value: ndarray(data, e.shape.slice()) };
  });
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

function variableList(where: string, session: Session, vars: readonly Node[] | undefined): Node[] {
  const list = vars ? [...vars] : session.variables();
  const names = new Map<string, Node>();
  for (const v of list) {
    if (!(v instanceof Node) || v.op.kind !== 'variable') {
      throw new TypeError(`${where}: ${v instanceof Node ? describe(v) : typeof v} is not a variable`);
    }
    const other = names.get(v.name);
    if (other && other !== v) throw new CheckpointError(`${where}: two variables are named '${v.name}'; checkpoints find variables by name`);
    names.set(v.name, v);
  }
  return [...names.values()];
}

/** The checkpoint bytes of `vars` (default: every variable the session holds); `where` starts error messages. For dagrad/node. */
export function encodeCheckpoint(where: string, session: Session, vars: readonly Node[] | undefined): Uint8Array {
  const list = variableList(where, session, vars);
  if (list.length === 0) throw new CheckpointError(`${where}: no variables to save (the session holds none yet)`);
  return encode(session, list);
}

/**
 * Sets `vars` from a checkpoint read by `read`, after checking every name, shape and dtype; `where`
 * starts error messages. For dagrad/node; users call loadCheckpointBytes.
 */
export function loadDecoded(
  where: string, session: Session, read: () => { entry: CheckpointEntry; value: NdArray }[], vars: readonly Node[] | undefined, opts: LoadOptions,
): string[] {
  const list = variableList(where, session, vars);
  if (list.length === 0) {
    throw new CheckpointError(`${where}: no variables to load into; the session holds none yet, so pass them (e.g. variablesOf(trainStep))`);
  }
  const entries = new Map(read().map((x) => [x.entry.name, x]));
  const problems: string[] = [];
  for (const v of list) {
    const found = entries.get(v.name);
    if (!found) {
      problems.push(`missing variable '${v.name}' ${formatShape(v.shape)} ${v.dtype}: not in the checkpoint`);
      continue;
    }
    const { entry } = found;
    if (!sameShape(entry.shape, v.shape as number[])) {
      problems.push(`variable '${v.name}': shape ${formatShape(entry.shape)} in the checkpoint vs ${formatShape(v.shape)} in the graph`);
    }
    if (entry.dtype !== v.dtype) problems.push(`variable '${v.name}': dtype ${entry.dtype} in the checkpoint vs ${v.dtype} in the graph`);
  }
  if (opts.strict ?? true) {
    const wanted = new Set(list.map((v) => v.name));
    for (const [name, { entry }] of entries) {
      if (!wanted.has(name)) problems.push(`unexpected extra '${name}' ${formatShape(entry.shape)} ${entry.dtype}: in the checkpoint but not among the variables loaded`);
    }
  }
  if (problems.length > 0) {
    throw new CheckpointError(`${where}: the checkpoint does not fit (nothing was loaded):\n  ${problems.join('\n  ')}`);
  }
  for (const v of list) session.setValue(v, entries.get(v.name)!.value);
  return list.map((v) => v.name);
}

/**
 * The checkpoint of `vars` (default: every variable the session holds) as bytes: their current
 * values, bit-exact, with their names, shapes and dtypes, guarded by CRC-32 checksums. Store the
 * bytes anywhere (IndexedDB, a download, a file with `dagrad/node`'s `saveCheckpoint`) and give them
 * to `loadCheckpointBytes`.
 *
 * ```ts
 * const bytes = saveCheckpointBytes(sess, variablesOf(trainStep));   // weights and optimizer slots
 * loadCheckpointBytes(new Session(), bytes, variablesOf(trainStep));
 * ```
 */
export function saveCheckpointBytes(session: Session, vars?: readonly Node[], opts: CheckpointNameOptions = {}): Uint8Array {
  return encodeCheckpoint(named('saveCheckpointBytes', opts.name), session, vars);
}

/**
 * Sets `vars` (default: every variable the session holds) from checkpoint bytes, matched by name.
 * The bytes are checked end to end (magic, version, lengths, CRC-32) and the names, shapes and dtypes
 * all first, every mismatch reported in one `CheckpointError`; then, and only then, values are set
 * (no variable changes when anything does not fit). Returns the names of the variables set.
 */
export function loadCheckpointBytes(
  session: Session, bytes: Uint8Array, vars?: readonly Node[], opts: LoadOptions & CheckpointNameOptions = {},
): string[] {
  return loadDecoded(named('loadCheckpointBytes', opts.name), session, () => decodeCheckpoint(bytes, named('checkpoint', opts.name)), vars, opts);
}

/** Every variable in checkpoint bytes, by name (in checkpoint order), for inspection. Checks the bytes end to end. */
export function readCheckpointBytes(bytes: Uint8Array, opts: CheckpointNameOptions = {}): Record<string, NdArray> {
  const entries = decodeCheckpoint(bytes, named('checkpoint', opts.name));
  return Object.fromEntries(entries.map(({ entry, value }) => [entry.name, value]));
}
