/**
 * Checkpoint files: the bytes of src/checkpoint (format, checksums, checks) written to and read from
 * the file system. Node-only, so it lives apart from the browser-safe core.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { NdArray } from 'ndarray';
import type { Node, Session } from '../index.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, loadDecoded, type LoadOptions } from '../checkpoint/checkpoint.js';

/**
 * Writes the values of `vars` (default: every variable the session holds) to `path`. The file is
 * written to a temporary file beside it, flushed to disk (fsync) and then renamed over `path`, so a
 * save that fails or is interrupted leaves the previous checkpoint as it was. The bytes are those of
 * `saveCheckpointBytes`.
 */
export function saveCheckpoint(session: Session, path: string, vars?: readonly Node[]): void {
  const where = `saveCheckpoint '${path}'`;
  const bytes = encodeCheckpoint(where, session, vars);
  const dir = nodePath.dirname(nodePath.resolve(path));
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  removeStaleTemps(path);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx');
    for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) tryTo(() => fs.closeSync(fd!));
    tryTo(() => fs.unlinkSync(tmp));
    const msg = e instanceof Error ? e.message : String(e);
    throw new CheckpointError(`${where}: ${msg}; the previous checkpoint, if any, is unchanged`, { cause: e });
  }
  // The rename is durable once the directory entry is on disk too (not possible on every platform).
  tryTo(() => {
    const d = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  });
}

/**
 * Deletes the temporary files of earlier saves of `path` whose process is gone (killed mid-save):
 * they are named `<path>.<pid>.<random>.tmp`. Those of live processes may be saves under way.
 */
function removeStaleTemps(path: string): void {
  const base = nodePath.basename(path);
  const dir = nodePath.dirname(nodePath.resolve(path));
  let names: string[] = [];
  tryTo(() => (names = fs.readdirSync(dir)));
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || !name.endsWith('.tmp')) continue;
    const m = /^\.(\d+)\.[0-9a-z]+\.tmp$/.exec(name.slice(base.length));
    if (m && !alive(Number(m[1]))) tryTo(() => fs.unlinkSync(nodePath.join(dir, name)));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTo(f: () => void): void {
  try {
    f();
  } catch {
    // cleanup and best-effort durability: the error that matters has been reported, or there is none
  }
}

function readBytes(where: string, path: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Every variable in a checkpoint file, by name (in file order), for inspection. Checks the file end to end. */
export function readCheckpoint(path: string): Record<string, NdArray> {
  const entries = decodeCheckpoint(readBytes(`readCheckpoint '${path}'`, path), `checkpoint '${path}'`);
  return Object.fromEntries(entries.map(({ entry, value }) => [entry.name, value]));
}

/**
 * Sets `vars` (default: every variable the session holds) from the checkpoint at `path`, matched by
 * name. Names, shapes and dtypes are all checked first and every mismatch is reported in one error;
 * then, and only then, values are set (no variable changes when anything does not fit).
 * Returns the names of the variables set.
 */
export function loadCheckpoint(session: Session, path: string, vars?: readonly Node[], opts: LoadOptions = {}): string[] {
  const where = `loadCheckpoint '${path}'`;
  return loadDecoded(where, session, () => decodeCheckpoint(readBytes(where, path), `checkpoint '${path}'`), vars, opts);
}
