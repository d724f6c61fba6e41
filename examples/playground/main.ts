/**
 * The playground page: the autodiff tab (formula -> graph -> stepped traces -> derivatives four ways)
 * and the training tab (training.ts). For scripts/playground-smoke.ts the page reports in the DOM:
 * #status ('ready' or 'error'), each derivative cell's full-precision value in data-value.
 */
import { instance, type Viz } from '@viz-js/viz';
import { toFlat, type Trace, type TraceRow } from '../../src/index.js';
import { ADJOINT_RULES, TANGENT_RULES, analyse, type Analysis } from './analysis.js';
import { FUNCTIONS, FormulaError, caret, parseFormula, parseValue, type Value } from './formula.js';
import { setUpTraining } from './training.js';

type Mode = 'forward' | 'tangent' | 'adjoint';

/** The founding example's point, as in docs/autodiff-modes.md; any other variable starts at 1. */
const DEFAULTS: Record<string, string> = { w0: '0.5', w1: '-1.2', w2: '0.8', x1: '2', x2: '1.5' };

/** Formulas to start from: the founding example, a node used three times, a layer of a network, expression swell. */
const EXAMPLES: readonly { formula: string; values: Record<string, string>; title: string }[] = [
  { title: 'the founding example', formula: '1/(1+exp(-(w0+w1*x1+w2*x2)))', values: DEFAULTS },
  { title: 'fan-out: x used three times', formula: 'x*x + sum(A*x)', values: { x: '[1, 2]', A: '[[1, 2], [3, 4]]' } },
  { title: 'a tanh layer', formula: 'sum(tanh(matmul(W, x) + b))', values: { W: '[[0.5, -1], [2, 0.3]]', x: '[[1], [2]]', b: '[[0.1], [-0.2]]' } },
  { title: 'swell: the logistic map, nested twice', formula: '4*(4*x*(1-x))*(1-4*x*(1-x))', values: { x: '0.3' } },
  { title: 'a rational function', formula: 'x^3 / (1 + x^2)', values: { x: '0.7' } },
];

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | boolean> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e: HTMLElementTagNameMap[K] = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** Twelve significant digits: what the page prints of a derivative (data-value holds every digit). */
const num = (x: number) => (Number.isNaN(x) ? '—' : String(Number(x.toPrecision(12))));
const short = (x: number) => String(Number(x.toPrecision(4)));
function arrayText(v: ArrayLike<number>, shape: readonly number[], f = num): string {
  if (shape.length === 0) return f(v[0]);
  const xs = Array.from(v, f);
  return `[${xs.slice(0, 6).join(', ')}${xs.length > 6 ? ', …' : ''}]${shape.length > 1 ? ` (${shape.join('×')})` : ''}`;
}
/** The multi-index of flat (row-major) index i. */
function unravel(i: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) { out.unshift(i % shape[k]); i = Math.floor(i / shape[k]); }
  return out;
}
const valueText = (r: TraceRow, f = num) => (r.value ? arrayText(toFlat(r.value), r.value.shape, f) : '—');

const state = {
  values: new Map<string, string>(Object.entries(DEFAULTS)),
  analysis: null as Analysis | null,
  mode: 'forward' as Mode,
  trace: null as Trace | null,
  step: 0,
  svg: null as SVGSVGElement | null,
};

let viz: Viz | null = null;

function showError(formula: string, e: unknown): void {
  const box = byId('formula-error');
  box.hidden = false;
  if (e instanceof FormulaError) {
    box.textContent = e.source === 'formula' ? `${caret(formula, e.index)}\n${e.message}` : e.message;
    box.dataset.index = String(e.index);
  } else {
    box.textContent = e instanceof Error ? e.message : String(e);
    delete box.dataset.index;
  }
  byId('status').textContent = 'error';
}

/** One input box per variable of the formula, keeping what the user typed for names seen before. */
function renderValueInputs(variables: readonly string[]): void {
  const box = byId('values');
  box.replaceChildren(...variables.map((name) => {
    const input = h('input', { className: 'mono', value: state.values.get(name) ?? '1', spellcheck: false });
    input.dataset.name = name;
    input.addEventListener('change', () => state.values.set(name, input.value));
    input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { state.values.set(name, input.value); build(); } });
    return h('label', {}, h('code', { textContent: `${name} =` }), input);
  }));
}

async function build(): Promise<void> {
  const formula = byId<HTMLInputElement>('formula').value;
  byId('formula-error').hidden = true;
  byId('status').textContent = 'building';
  try {
    const parsed = parseFormula(formula);
    const shown = [...byId('values').querySelectorAll('input')].map((i) => i.dataset.name);
    if (shown.join() !== parsed.variables.join()) renderValueInputs(parsed.variables);
    for (const i of byId('values').querySelectorAll('input')) state.values.set(i.dataset.name!, i.value);
    const values: Record<string, Value> = {};
    for (const name of parsed.variables) values[name] = parseValue(state.values.get(name) ?? '1', name);
    const a = analyse(formula, values);
    state.analysis = a;
    viz ??= await instance();
    const svg = viz.renderSVGElement(a.dot);
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    // Room under the bottom node for the value written beneath it while stepping.
    const [x0, y0, w, hh] = (svg.getAttribute('viewBox') ?? '0 0 0 0').split(/\s+/).map(Number);
    svg.setAttribute('viewBox', `${x0} ${y0} ${w} ${hh + 14}`);
    // Drawn at most 1.4 times Graphviz's size (pt), so a small graph does not fill the panel with giant boxes.
    svg.style.maxWidth = `${Math.round(w * 1.4)}px`;
    svg.style.margin = '0 auto';
    byId('graph').replaceChildren(svg);
    state.svg = svg;
    const select = byId<HTMLSelectElement>('tangent-input');
    const options: HTMLOptionElement[] = [];
    for (const d of a.derivatives) {
      const n = d.reverse.length;
      for (let i = 0; i < n; i++) options.push(h('option', { value: `${d.input.name}#${i}`, textContent: d.shape.length === 0 ? d.input.name : `${d.input.name}[${unravel(i, d.shape).join(', ')}]` }));
    }
    select.replaceChildren(...options);
    renderDerivatives(a);
    setMode(state.mode);
    const warning = byId('warning');
    warning.hidden = a.warning === null;
    warning.textContent = a.warning ?? '';
    byId('status').textContent = 'ready';
  } catch (e) {
    showError(formula, e);
    if (!(e instanceof FormulaError)) console.error(e);
  }
}

function traceFor(a: Analysis, mode: Mode): Trace {
  if (mode === 'forward') return a.forward;
  if (mode === 'adjoint') return a.adjoint;
  const [name, index] = byId<HTMLSelectElement>('tangent-input').value.split('#');
  const input = a.built.inputs.find((x) => x.name === name) ?? a.built.inputs[0];
  return a.tangent(input, Number(index ?? 0));
}

function setMode(mode: Mode): void {
  state.mode = mode;
  if (!state.analysis) return;
  if (mode === 'tangent' && state.analysis.built.inputs.length === 0) {
    state.trace = null;
    byId('trace').replaceChildren();
    byId('step-count').textContent = '';
    byId('step-info').textContent = 'This formula has no variables, so there is no input to move: forward mode has nothing to carry.';
    return;
  }
  state.trace = traceFor(state.analysis, mode);
  state.step = 0;
  renderTrace();
}

/** The rule column: the op's derivative rule (tangents) or, for adjoints, the rules of the row's consumers. */
function ruleOf(r: TraceRow, trace: Trace, a: Analysis): string {
  if (trace.kind === 'forward') return '';
  if (trace.kind === 'tangent') return TANGENT_RULES[r.op] ?? '';
  if (r.node === trace.output) return 'seed: f̄ = 1';
  const users = a.forward.rows.filter((c) => c.node.inputs.includes(r.node)).map((c) => `${c.label}: ${ADJOINT_RULES[c.op] ?? c.op}`);
  return [...new Set(users)].join('; ');
}

function stepInfo(a: Analysis, trace: Trace, r: TraceRow | undefined): string {
  if (!r) {
    const what = { forward: 'the forward pass evaluates each node once, inputs first', tangent: 'forward mode carries one tangent per node, along the chosen input', adjoint: 'reverse mode carries one adjoint per node, from the output back' }[trace.kind];
    return `Press step: ${what}.`;
  }
  const lines = [`${r.label} = ${r.definition}   →   ${valueText(r)}`];
  const rule = ruleOf(r, trace, a);
  if (rule) lines.push(`rule: ${rule}`);
  const fan = trace.kind === 'adjoint' ? a.fanOut.get(r.node) : undefined;
  if (fan) {
    const shape = r.value?.shape ?? [];
    const slot = (k: number) => (k === 0 ? 'a' : 'b');
    lines.push(`fan-out: ${a.forward.labels.get(r.node)} is used ${fan.length} times, so its adjoint sums ${fan.length} contributions:`);
    lines.push(`  ${fan.map((c) => `${arrayText(c.value, shape)} (from ${c.consumerLabel}, as ${slot(c.slot)})`).join('\n+ ')}\n= ${valueText(r)}`);
  }
  return lines.join('\n');
}

function renderTrace(): void {
  const a = state.analysis, trace = state.trace;
  if (!a || !trace) return;
  const header = { forward: 'value', tangent: 'tangent', adjoint: 'adjoint' }[trace.kind];
  const table = byId<HTMLTableElement>('trace');
  const head = h('tr', {}, h('th', { textContent: 'definition' }), h('th', { textContent: header }), h('th', { textContent: 'op' }), ...(trace.kind === 'forward' ? [] : [h('th', { textContent: 'local rule' })]));
  const rows = trace.rows.map((r, i) => {
    const done = i < state.step;
    const tr = h('tr', { className: i === state.step - 1 ? 'current' : done ? 'done' : 'pending' },
      h('td', { className: 'mono', textContent: `${r.label} = ${r.definition}` }),
      h('td', { className: 'num val', textContent: done ? valueText(r) : '·' }),
      h('td', { className: 'small', textContent: r.op }),
      ...(trace.kind === 'forward' ? [] : [h('td', { className: 'small', textContent: ruleOf(r, trace, a) })]));
    tr.dataset.label = r.label;
    return tr;
  });
  table.replaceChildren(head, ...rows);
  byId('step-count').textContent = `step ${state.step} of ${trace.rows.length}`;
  byId('step-info').textContent = stepInfo(a, trace, trace.rows[state.step - 1]);
  paintGraph(trace);
}

/** Marks the current node, and writes each reached node's value (or tangent, or adjoint) under it. */
function paintGraph(trace: Trace): void {
  const svg = state.svg;
  if (!svg) return;
  svg.querySelectorAll('text.value').forEach((t) => t.remove());
  const byTitle = new Map<string, SVGGElement>();
  for (const g of svg.querySelectorAll<SVGGElement>('g.node')) byTitle.set(g.querySelector('title')?.textContent ?? '', g);
  for (const g of byTitle.values()) g.classList.remove('current', 'done');
  trace.rows.forEach((r, i) => {
    if (i >= state.step) return;
    const g = byTitle.get(`n${r.node.id}`);
    if (!g) return;
    g.classList.add(i === state.step - 1 ? 'current' : 'done');
    const box = g.getBBox();
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    t.setAttribute('class', 'value');
    t.setAttribute('x', String(box.x + box.width / 2));
    t.setAttribute('y', String(box.y + box.height + 10));
    t.setAttribute('text-anchor', 'middle');
    t.textContent = `${trace.kind === 'forward' ? '' : trace.kind === 'tangent' ? 'ṫ ' : 'ā '}${valueText(r, short)}`;
    g.append(t);
  });
}

function renderDerivatives(a: Analysis): void {
  const table = byId<HTMLTableElement>('derivatives');
  const cell = (v: ArrayLike<number> | number | string, shape: readonly number[], key: string) => {
    const td = h('td', { className: 'num' });
    if (typeof v === 'string') { td.textContent = v; td.className = 'small'; return td; }
    const xs = typeof v === 'number' ? [v] : Array.from(v);
    td.textContent = arrayText(xs, typeof v === 'number' ? [] : shape);
    td.dataset.value = JSON.stringify(xs);
    td.dataset.kind = key;
    return td;
  };
  const head = h('tr', {}, ...['d sum(f) / d', 'reverse mode (gradients)', 'forward mode (jvp)', 'central differences', 'naive symbolic', 'printed gradient, read by mathjs']
    .map((t) => h('th', { textContent: t })));
  const rows = a.derivatives.map((d) => {
    const tr = h('tr', {}, h('td', { className: 'mono', textContent: d.input.name }),
      cell(d.reverse, d.shape, 'reverse'), cell(d.forward, d.shape, 'forward'), cell(d.central, d.shape, 'central'),
      cell(d.symbolic, [], 'symbolic'), cell(d.expressionValue, [], 'expression'));
    tr.dataset.input = d.input.name;
    return tr;
  });
  table.replaceChildren(head, ...rows);
  const g = a.gradcheck;
  byId('gradcheck').innerHTML = '';
  byId('gradcheck').append(h('span', { className: g.ok ? 'ok' : 'bad', textContent: g.ok ? 'gradcheck passes' : 'gradcheck FAILS' }),
    ` (central differences in float64, both modes): largest relative error ${g.maxRelError.toExponential(2)}.`);
  const swellHead = h('tr', {}, ...['d sum(f) / d', "dagrad's gradient graph (nodes)", 'written out as a tree', 'naive symbolic derivative (tree nodes)'].map((t) => h('th', { textContent: t })));
  const swellRows = a.derivatives.map((d) => h('tr', {}, h('td', { className: 'mono', textContent: d.input.name }),
    ...[d.gradientNodes, d.gradientTreeNodes, d.naiveNodes ?? '—'].map((v) => h('td', { className: 'num', textContent: String(v) }))));
  byId('swell').replaceChildren(h('caption', { textContent: `Expression swell: f's graph has ${a.formulaNodes} nodes; the gradient graph shares them, the naive derivative copies them.` }), swellHead, ...swellRows);
  byId('expression-list').replaceChildren(...a.derivatives.flatMap((d) => [h('div', { className: 'small', textContent: `d sum(f) / d ${d.input.name} =` }), h('div', { className: 'expr', textContent: d.expression })]));
}

function setUpAutodiff(): void {
  const examples = byId<HTMLSelectElement>('examples');
  examples.replaceChildren(...EXAMPLES.map((e, i) => h('option', { value: String(i), textContent: `${e.title}: ${e.formula}` })));
  examples.addEventListener('change', () => {
    const e = EXAMPLES[Number(examples.value)];
    byId<HTMLInputElement>('formula').value = e.formula;
    for (const [k, v] of Object.entries(e.values)) state.values.set(k, v);
    byId('values').replaceChildren();
    void build();
  });
  byId('functions').textContent = Object.keys(FUNCTIONS).join(', ');
  byId('build').addEventListener('click', () => void build());
  byId<HTMLInputElement>('formula').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') void build(); });
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) r.addEventListener('change', () => setMode(r.value as Mode));
  byId('tangent-input').addEventListener('change', () => {
    (document.querySelector<HTMLInputElement>('input[name="mode"][value="tangent"]')!).checked = true;
    setMode('tangent');
  });
  const go = (f: (n: number, max: number) => number) => () => {
    if (!state.trace) return;
    state.step = f(state.step, state.trace.rows.length);
    renderTrace();
  };
  byId('reset').addEventListener('click', go(() => 0));
  byId('back').addEventListener('click', go((s) => Math.max(0, s - 1)));
  byId('step').addEventListener('click', go((s, m) => Math.min(m, s + 1)));
  byId('all').addEventListener('click', go((_, m) => m));
}

function setUpTabs(): void {
  const tabs = [['tab-autodiff', 'panel-autodiff'], ['tab-train', 'panel-train']] as const;
  for (const [tab, panel] of tabs) {
    byId(tab).addEventListener('click', () => {
      for (const [t, p] of tabs) {
        byId(t).setAttribute('aria-selected', String(t === tab));
        byId(p).hidden = p !== panel;
      }
    });
  }
}

setUpTabs();
setUpAutodiff();
setUpTraining();
void build();
