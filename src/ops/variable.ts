import { dtypeOfArray, type DType } from '../graph/dtype.js';
import { Node, takeId } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { toNdArray, type Input } from '../graph/tensor.js';
import { scopedName } from '../graph/scope.js';
import { fromValue, isInitializer, type Initializer } from '../init/initializers.js';

export interface VariableAttrs {
  readonly initializer: Initializer;
  readonly trainable: boolean;
}

/** State held by a session: read at the start of a run, changed by assign ops at its end. */
export const Variable = defineOp<VariableAttrs>({
  name: 'variable',
  kind: 'variable',
  infer: (_, { initializer }) => ({ shape: initializer.shape, dtype: initializer.dtype }),
});

/**
 * A named variable from an initializer (`init.glorotUniform([4, 1])`) or an initial value. Names are
 * how checkpoints find variables, so a session refuses two variables of one name.
 * `trainable: false` keeps it out of an optimizer's default variable list (step counters, slots).
 */
export function variable(name: string, initial: Initializer | Input, opts: { dtype?: DType; trainable?: boolean } = {}): Node {
  if (typeof name !== 'string' || name === '') throw new TypeError('variable: needs a name');
  name = scopedName(name);
  let initializer: Initializer;
  if (isInitializer(initial)) {
    if (opts.dtype && opts.dtype !== initial.dtype) {
      throw new TypeError(`variable '${name}': dtype ${opts.dtype} does not match its initializer's ${initial.dtype}`);
    }
    initializer = initial;
  } else {
    const v = toNdArray(initial, { dtype: opts.dtype, where: `variable '${name}'`, cast: true });
    initializer = fromValue(v, opts.dtype ?? dtypeOfArray(v.data)!);
  }
  const attrs: VariableAttrs = { initializer, trainable: opts.trainable ?? true };
  return new Node(takeId(), Variable, [], attrs, initializer.shape.slice(), initializer.dtype, name);
}


export const isVariable = (n: Node): n is Node<VariableAttrs> => n.op === Variable;
