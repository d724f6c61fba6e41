/**
 * Name scopes (TensorFlow's name_scope): `scope('block1', () => ...)` prefixes `block1/` to the name
 * of every node, variable and placeholder made inside, so graph pictures, checkpoints and exported
 * files read by block. Scopes nest. The stack is the one piece of build-time state: it is only ever
 * non-empty while a scope's body runs, and is restored however the body ends.
 */
const stack: string[] = [];

export function scope<T>(name: string, body: () => T): T {
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new TypeError(`scope: a name is a non-empty string without '/', got ${JSON.stringify(name)}`);
  }
  stack.push(name);
  try {
    return body();
  } finally {
    stack.pop();
  }
}

/** `name` inside the current scopes: `block1/conv/W` for `W` in scope('block1') and scope('conv'). */
export function scopedName(name: string): string {
  return stack.length === 0 ? name : `${stack.join('/')}/${name}`;
}

/** The current scope path ('' outside every scope). */
export function currentScope(): string {
  return stack.join('/');
}
