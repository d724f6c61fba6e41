/**
 * Memory of forward + backward over a chain of 1000 elementwise ops (500 x tanh(y + 0.1)) on a
 * 1000-element float32 vector: the plan's buffer bytes as the session reports them (plan.memory),
 * without memory planning (a buffer per node), with it, and with gradient checkpointing; and the
 * JavaScript heap's growth over 1000 runs of the planned step (needs node --expose-gc).
 */
import { add, gradients, placeholder, Session, sum, tanh, type Node, type SessionOptions } from '../src/index.js';
import { progress, type Row, type Rows } from './harness.js';
import type { Backend } from './tfjs.js';

const OPS = 1000, WIDTH = 1000;

interface Reported {
  peakBytes: number;
  unplannedBytes?: number;
  buffers?: number;
}

export async function memoryBench(out: Rows, backend: Backend): Promise<void> {
  if (backend !== 'cpu') return; // no peer: measured once
  progress('memory');
  const x = placeholder('x', [WIDTH]);
  let y: Node = x;
  for (let i = 0; i < OPS / 2; i++) y = tanh(add(y, 0.1));
  const loss = sum(y);
  const [g] = gradients(loss, [x]);
  const feeds = new Map([[x, { data: new Float32Array(WIDTH).fill(0.5), shape: [WIDTH] }]]);
  const fetches = [loss, g];
  const modes: [string, SessionOptions][] = [
    ['unplanned', { planMemory: false }],
    ['planned', {}],
    ['planned + checkpointing', { checkpoint: true } as SessionOptions],
  ];
  const reported = new Map<string, Reported | undefined>();
  for (const [name, opts] of modes) {
    let mem: Reported | undefined;
    try {
      const plan = new Session(opts).plan(fetches, feeds);
      mem = (plan as unknown as { memory?: Reported }).memory;
    } catch (e) {
      progress(`memory ${name}: ${e instanceof Error ? e.message : e}`);
    }
    reported.set(name, mem);
    const row = out.row('memory', `${OPS}-op chain fwd+bwd, ${name}`, 'MB', false,
      mem ? `${mem.buffers ?? '?'} buffers` : 'pending: the session does not report plan.memory yet');
    if (mem) row.values.dagrad = mem.peakBytes / 1e6;
  }
  const planned = reported.get('planned'), unplanned = reported.get('unplanned');
  if (planned && unplanned) {
    out.row('memory', 'planned / unplanned peak', '%', false).values.dagrad = (100 * planned.peakBytes) / unplanned.peakBytes;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    const sess = new Session();
    for (let i = 0; i < 100; i++) sess.run(fetches, feeds);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) sess.run(fetches, feeds);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    out.row('memory', 'heap growth over 1000 runs', 'KB', false).values.dagrad = growth / 1024;
  } else {
    out.row('memory', 'heap growth over 1000 runs', 'KB', false, 'run node with --expose-gc');
  }
}
