/**
 * The floors of src/ (docs/architecture.md): a file imports only from its own floor or below, and
 * the folders' import graph has no cycle. Read from the import lines themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../src');

/** Floor of each folder of src/, bottom up. A new folder must be given its floor here and in the doc. */
export const FLOORS: Record<string, number> = {
  graph: 0,
  wasm: 1,
  kernels: 2,
  init: 2,
  ops: 3,
  autodiff: 4,
  plan: 4,
  session: 5,
  optim: 6,
  check: 6,
  symbolic: 6,
  trace: 6,
  visualize: 6,
  checkpoint: 6,
  nn: 6,
  // the core's public API, and the entry points built on it (dagrad/onnx, dagrad/node)
  '.': 7,
  onnx: 8,
  node: 8,
};

interface Edge { from: string; to: string; file: string; spec: string }

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import (static, dynamic, `export ... from`) between folders of src/. */
function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const from = path.relative(SRC, path.dirname(file)).split(path.sep)[0] || '.';
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const rel = path.relative(SRC, target);
      const to = rel.includes(path.sep) ? rel.split(path.sep)[0] : '.';
      if (to !== from) edges.push({ from, to, file: path.relative(SRC, file), spec: m[1] });
    }
  }
  return edges;
}

/** The folders on a cycle of the folder graph, as `a -> b -> a`, or null. */
export function findCycle(edges: readonly { from: string; to: string }[]): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const e of edges) (next.get(e.from) ?? next.set(e.from, new Set()).get(e.from)!).add(e.to);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (v: string): string[] | null => {
    state.set(v, 'open');
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (state.get(w) === 'open') return [...stack.slice(stack.indexOf(w)), w];
      if (!state.has(w)) {
        const c = visit(w);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(v, 'done');
    return null;
  };
  for (const v of [...next.keys()].sort()) {
    if (!state.has(v)) {
      const c = visit(v);
      if (c) return c;
    }
  }
  return null;
}

describe('the floors of src/', () => {
  const edges = folderEdges();

  it('gives every folder of src/ a floor', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in FLOORS))).toEqual([]);
  });

  it('has no import from a lower floor up to a higher one', () => {
    const upward = edges.filter((e) => FLOORS[e.to] > FLOORS[e.from]).map((e) => `${e.file} imports ${e.spec} (${e.from} is floor ${FLOORS[e.from]}, ${e.to} is floor ${FLOORS[e.to]})`);
    expect(upward).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(findCycle(edges)).toBeNull();
  });

  it('finds the cycles and upward imports it is meant to find', () => {
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }])).toBeNull();
    expect(edges.some((e) => e.from === 'ops' && e.to === 'graph')).toBe(true);
  });
});
