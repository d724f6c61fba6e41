import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session, toFlat, variable } from '../../src/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/node/index.js';

describe('a killed checkpoint save', () => {
  it('leaves a temporary file that the next save of the same path deletes; live processes keep theirs', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'dagrad-stale-'));
    const path = nodePath.join(dir, 'model.ckpt');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // has exited: its pid is free
    const stale = `${path}.${dead}.k1ll3d0a.tmp`;
    const live = `${path}.${process.ppid}.l1ve0000.tmp`;
    const other = nodePath.join(dir, `other.ckpt.${dead}.abcdefgh.tmp`);
    for (const f of [stale, live, other]) fs.writeFileSync(f, 'partial');
    const v = variable('stale_v', [1, 2, 3]);
    const s = new Session();
    s.getValue(v);
    saveCheckpoint(s, path);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.ckpt', nodePath.basename(live), nodePath.basename(other)].sort());
    const t = new Session();
    loadCheckpoint(t, path, [v]);
    expect(toFlat(t.getValue(v))).toEqual([1, 2, 3]);
    fs.rmSync(dir, { recursive: true });
  });
});
