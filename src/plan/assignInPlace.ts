/**
 * Assignments written straight into their variable. A variable's new value is normally computed
 * into a plan buffer and copied into the variable after the run; when nothing in the run reads the
 * variable after its assign step (no later step, view or recomputation, and no fetch of it or of a
 * view of it) and it is the only assign to that variable in the plan, the step may write into the
 * variable's storage itself: every read still sees the old value, and one copy of it is saved.
 */
import type { Entry } from './schedule.js';

/** The assign steps (by entry id) whose output may be their variable's storage. */
export function assignsInPlace(entries: readonly Entry[], fetched: ReadonlySet<Entry['node']>): Set<number> {
  // Entries whose value is a variable's storage (the source) or a view of it, by variable entry id.
  const aliasOf = new Int32Array(entries.length).fill(-1);
  const lastRead = new Int32Array(entries.length).fill(-1);
  const assigns = new Map<number, Entry[]>();
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j];
    if (e.kind === 'source') aliasOf[e.id] = e.id;
    else if (e.kind === 'view' && e.viewOf >= 0) aliasOf[e.id] = aliasOf[e.inputs[e.viewOf].id];
    for (let k = 0; k < e.inputs.length; k++) {
      const v = aliasOf[e.inputs[k].id];
      if (v >= 0) lastRead[v] = e.id;
    }
    if (e.kind === 'step' && e.node.op.kind === 'assign' && e.inputs[0].kind === 'source') {
      const v = e.inputs[0].id;
      const list = assigns.get(v);
      if (list) list.push(e);
      else assigns.set(v, [e]);
    }
  }
  // a fetch reads after the run: a fetched variable (or view of it) must keep its old value
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j];
    if (fetched.has(e.node) && aliasOf[e.id] >= 0) lastRead[aliasOf[e.id]] = entries.length;
  }
  const out = new Set<number>();
  for (const [v, list] of assigns) {
    const e = list[0];
    if (list.length === 1 && lastRead[v] === e.id && e.original === null && e.dtype === e.inputs[0].dtype) out.add(e.id);
  }
  return out;
}
