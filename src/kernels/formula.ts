/**
 * The scalar formula of an elementwise op, declared once; every loop that computes the op is
 * generated from it (elementwise.ts, bind.ts, tiny.ts, and fused loops in plan/fuse.ts).
 */
import { generate } from './generate.js';

/** The operand names of a formula, in input order. */
export const OPERANDS = ['a', 'b', 'c'] as const;

/**
 * A scalar formula: the one declaration of what an elementwise op computes per element.
 * `expr` is a JavaScript expression over `a` (and `b`, `c` for arity 2 and 3), which may use
 * `Math` and the functions named in `lib`. It must be pure: the same operands give the same value.
 */
export interface Formula {
  /** The op's name; a SIMD kernel of this name runs it on arena arrays (`add_f32`, ...). */
  readonly name: string;
  readonly arity: 1 | 2 | 3;
  readonly expr: string;
  readonly lib?: Readonly<Record<string, (...xs: number[]) => number>>;
}

/** The scope a formula's source sees: its library functions, under their names. */
export function libScope(f: Formula): Record<string, unknown> {
  for (const k of Object.keys(f.lib ?? {})) {
    if (!/^[A-Za-z_]\w*$/.test(k) || (OPERANDS as readonly string[]).includes(k) || k === 'Math') {
      throw new TypeError(`formula '${f.name}': library name '${k}' must be an identifier other than a, b, c and Math`);
    }
  }
  return { ...f.lib };
}

/** `const a = <loads[0]>, b = ...; <target> = (<expr>);`: one element of the formula. */
export function element(f: Formula, loads: readonly string[], target: string): string {
  const decl = loads.map((l, k) => `${OPERANDS[k]} = ${l}`).join(', ');
  return `{ const ${decl}; ${target} = (${f.expr}); }`;
}

/** The formula as a scalar function of its operands. */
export function scalarOf(f: Formula): (...xs: number[]) => number {
  return generate(`${f.name} scalar`, libScope(f), `function ${f.name.replace(/\W/g, '_')}_scalar(${OPERANDS.slice(0, f.arity).join(', ')}) { return (${f.expr}); }`);
}

