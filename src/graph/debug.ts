/**
 * What diagnostics know about nodes beyond the graph itself: where in the user's code a node was
 * built, and which forward node a derivative node came from. Both are used only to word error
 * reports (checkNumerics); nothing a run computes depends on them. Creation sites cost a stack
 * trace per node, so they are captured only while asked for: `captureCreationSites(true)`, a
 * Session with `checkNumerics`, or DAGRAD_DEBUG=1 in the environment.
 */
import type { Node } from './node.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
let capturing = env?.DAGRAD_DEBUG === '1';
const sites = new WeakMap<Node, string>();
const origins = new WeakMap<Node, Origin>();

/** A derivative node's forward node: the one whose backward (or jvp) rule built it, or whose gradient it sums. */
export interface Origin {
  readonly node: Node;
  readonly mode: 'gradient' | 'tangent';
}

/** Turns the capture of creation sites on or off for nodes built from now on; returns the previous setting. */
export function captureCreationSites(on: boolean): boolean {
  const was = capturing;
  capturing = on;
  return was;
}

/** Called for each new node: records the first stack frame outside dagrad, when capturing. */
export function noteCreation(n: Node): void {
  if (!capturing || sites.has(n)) return;
  const site = userFrame(new Error().stack ?? '');
  if (site) sites.set(n, site);
}

/** `file:line:column` of the user's code that built `n`, if it was captured. */
export const creationSite = (n: Node): string | undefined => sites.get(n);

export function noteOrigin(n: Node, origin: Origin): void {
  if (!origins.has(n)) origins.set(n, origin);
}

export const originOf = (n: Node): Origin | undefined => origins.get(n);

// dagrad's own folder (src/ or dist/), by string: a `new URL('..', import.meta.url)` would make
// bundlers (vite) copy the folder's index file into the build as an asset
const here = import.meta.url.replace(/^file:\/\//, '');
const SRC = here.slice(0, here.lastIndexOf('/graph/') + 1);
const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.();

function userFrame(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const loc = m[1].replace(/^file:\/\//, '');
    if (loc.startsWith(SRC) || loc.includes('/node_modules/') || loc.startsWith('node:')) continue;
    return cwd && loc.startsWith(`${cwd}/`) ? loc.slice(cwd.length + 1) : loc;
  }
  return undefined;
}
