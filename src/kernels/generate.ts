/**
 * Functions made from source text. V8 caches what `new Function` compiles by the source text, so
 * two kernels generated from the same text would share one compiled function, and with it the type
 * feedback of every call inside it: a loop calling an element function then goes megamorphic and
 * runs ~7x slower (issue 9). Every function made here carries a serial number in its text, so each
 * is compiled on its own.
 */

// A counter, not state that changes behaviour: it only makes each generated text unique.
let serial = 0;

/**
 * `src` is an expression (usually `function name(...) { ... }`) evaluated with `scope`'s entries as
 * constants in view; the result is returned. `what` names it in stack traces and in its text.
 */
export function generate<T>(what: string, scope: Readonly<Record<string, unknown>>, src: string): T {
  const id = ++serial;
  const names = Object.keys(scope);
  const text = `// dagrad generated #${id}: ${what.replace(/[\r\n]/g, ' ')}\nreturn ${src};`;
  const made = new Function(...names, text)(...names.map((k) => scope[k]));
  if (typeof made === 'function') sources.set(made, text);
  return made as T;
}

const sources = new WeakMap<object, string>();

/** The text a generated function was made from (undefined for any other function): lets tests see that no two are alike. */
export const sourceOf = (f: object): string | undefined => sources.get(f);
