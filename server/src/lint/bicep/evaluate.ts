/**
 * Static evaluation of Bicep expressions into the shared model's LocatedValue. What is known without deploying is
 * computed (literals, var and param-default references, interpolation of known parts, concat/union, ternaries with a
 * known condition, property access and indexing, loops over known arrays, resource ids and subscription().id with
 * placeholders for the deployment's GUIDs); everything decided at deployment time (guid(), references to resources,
 * parameters without default) stays `unknown` with its source text (and, for strings built around it, a `symbolic`
 * text showing the known parts). Values keep the range where they are written, so a finding points at the literal to change.
 * Work is bounded (budget, depth, sizes) so hostile input cannot hang the daemon.
 */
import type { LocatedProperty, LocatedValue, Range } from '../model';
import type { Expr, Program, Stmt } from './ast';
import type { LineIndex } from '../lines';
import { MAX_SYMBOLIC } from '../resource-ids';
import { callFunction, findProperty, symbolicText } from './functions';

/** Loop variables and lambda parameters in scope. */
interface Scope { name: string; value: LocatedValue; parent: Scope | null }

const MAX_EVALUATIONS = 1_000_000;
const MAX_DEPTH = 200;
const MAX_LOOP_ITEMS = 1000;
/** Unknown values show at most this much source text. */
const MAX_TEXT = 200;

export class Evaluator {
  private readonly decls = new Map<string, Stmt>();
  private readonly cache = new Map<string, LocatedValue>();
  private readonly inProgress = new Set<string>();
  private budget = MAX_EVALUATIONS;
  private depth = 0;

  constructor(program: Program, private readonly text: string, private readonly lines: LineIndex) {
    for (const s of program.statements) {
      if ((s.k === 'var' || s.k === 'param') && !this.decls.has(s.name)) this.decls.set(s.name, s);
    }
  }

  range(start: number, end: number): Range { return this.lines.range(start, end); }

  /** A runtime value: its source text (shortened) and range. */
  unknown(e: { start: number; end: number }, text?: string): LocatedValue & { kind: 'unknown' } {
    let t = text ?? this.text.slice(e.start, e.end);
    if (t.length > MAX_TEXT) t = t.slice(0, MAX_TEXT - 1) + '…';
    return { kind: 'unknown', text: t, range: this.range(e.start, e.end) };
  }

  /** Evaluates an expression; `scope` holds the loop variables around it. Never throws. */
  evaluate(e: Expr, scope: Scope | null = null): LocatedValue {
    if (--this.budget < 0 || this.depth >= MAX_DEPTH) return this.unknown(e);
    this.depth++;
    try {
      return this.eval(e, scope);
    } finally {
      this.depth--;
    }
  }

  private eval(e: Expr, scope: Scope | null): LocatedValue {
    switch (e.k) {
      case 'str': return { kind: 'string', value: e.value, range: this.range(e.start, e.end) };
      case 'num': return { kind: 'number', value: e.value, range: this.range(e.start, e.end) };
      case 'bool': return { kind: 'boolean', value: e.value, range: this.range(e.start, e.end) };
      case 'null': return { kind: 'null', range: this.range(e.start, e.end) };
      case 'interp': {
        // Runtime parts make the string unknown, but its symbolic text keeps the known parts (a role GUID from a var).
        let s = e.parts[0];
        let known = true;
        for (let i = 0; i < e.exprs.length; i++) {
          const v = this.evaluate(e.exprs[i], scope);
          const piece = symbolicText(v);
          if (piece === undefined) return this.unknown(e);
          if (v.kind === 'unknown') known = false;
          s += piece + e.parts[i + 1];
          if (s.length > (known ? 1_000_000 : MAX_SYMBOLIC)) return this.unknown(e);
        }
        return known ? { kind: 'string', value: s, range: this.range(e.start, e.end) } : { ...this.unknown(e), symbolic: s };
      }
      case 'ident': return this.reference(e, scope);
      case 'object': return this.object(e, scope);
      case 'array': {
        const items: LocatedValue[] = [];
        for (const item of e.items) {
          if (item.k === 'spread') {
            const v = this.evaluate(item.expr, scope);
            // An unknown spread stands as one unknown item: the known items around it are still checked.
            if (v.kind === 'array') items.push(...v.items); else items.push(this.unknown(item));
          } else items.push(this.evaluate(item, scope));
        }
        return { kind: 'array', items, range: this.range(e.start, e.end) };
      }
      case 'for': return this.loop(e, scope);
      // A condition does not change what is deployed when it is deployed: the body is the value.
      case 'if': return this.evaluate(e.body, scope);
      case 'paren': case 'nonnull': return this.evaluate(e.expr, scope);
      case 'call': {
        if (e.base && !(e.base.k === 'ident' && (e.base.name === 'sys' || e.base.name === 'az'))) return this.unknown(e);
        return callFunction(this, e, scope) ?? this.unknown(e);
      }
      case 'member': {
        const obj = this.evaluate(e.obj, scope);
        if (obj.kind === 'object') {
          const p = findProperty(obj.properties, e.name);
          if (p) return p.value;
          if (e.safe) return { kind: 'null', range: this.range(e.start, e.end) };
        }
        if (obj.kind === 'null' && e.safe) return obj;
        return this.unknown(e);
      }
      case 'index': return this.index(e, scope);
      case 'unary': {
        const v = this.evaluate(e.arg, scope);
        const r = this.range(e.start, e.end);
        if (e.op === '!' && v.kind === 'boolean') return { kind: 'boolean', value: !v.value, range: r };
        if (e.op === '-' && v.kind === 'number') return { kind: 'number', value: -v.value, range: r };
        if (e.op === '+' && v.kind === 'number') return { ...v, range: r };
        return this.unknown(e);
      }
      case 'binary': return this.binary(e, scope);
      case 'ternary': {
        const c = this.evaluate(e.cond, scope);
        if (c.kind === 'boolean') return this.evaluate(c.value ? e.then : e.else, scope);
        return this.unknown(e);
      }
      default: // lambda, spread out of place, error
        return this.unknown(e);
    }
  }

  /** A name: a loop variable, a var, a param's default, or else a runtime symbol (resource, module, ...). */
  private reference(e: Expr & { k: 'ident' }, scope: Scope | null): LocatedValue {
    for (let s = scope; s; s = s.parent) if (s.name === e.name) return s.value;
    const decl = this.decls.get(e.name);
    if (!decl || (decl.k !== 'var' && decl.k !== 'param')) return this.unknown(e);
    const cached = this.cache.get(e.name);
    if (cached) return cached;
    // A cycle (var a = b, var b = a) is a Bicep error; it stays unknown here.
    if (!decl.value || this.inProgress.has(e.name)) return this.unknown(e);
    this.inProgress.add(e.name);
    // Declarations are evaluated with no loop scope: a var cannot see the loop variables at its use site.
    const v = this.evaluate(decl.value, null);
    this.inProgress.delete(e.name);
    // Only a complete evaluation is cached, so running out of depth in one place does not stick elsewhere.
    if (this.budget >= 0) this.cache.set(e.name, v);
    return v;
  }

  private object(e: Expr & { k: 'object' }, scope: Scope | null): LocatedValue {
    const properties: LocatedProperty[] = [];
    for (const p of e.props) {
      if (p.value.k === 'spread') {
        const v = this.evaluate(p.value.expr, scope);
        if (v.kind === 'object') for (const q of v.properties) setProperty(properties, q);
        continue;
      }
      let key = p.key;
      if (key === null && p.keyExpr) {
        const k = this.evaluate(p.keyExpr, scope);
        key = k.kind === 'string' ? k.value : this.text.slice(p.keyStart, p.keyEnd);
      }
      if (key === null) continue;
      setProperty(properties, { key, keyRange: this.range(p.keyStart, p.keyEnd), value: this.evaluate(p.value, scope) });
    }
    return { kind: 'object', properties, range: this.range(e.start, e.end) };
  }

  /**
   * `[for x in list: body]`: over a known array each item is evaluated (a false `if` drops it); over an unknown
   * one the body is evaluated once with the loop variables unknown and stands for every item.
   */
  private loop(e: Expr & { k: 'for' }, scope: Scope | null): LocatedValue {
    const list = this.evaluate(e.iterable, scope);
    const r = this.range(e.start, e.end);
    const bind = (item: LocatedValue, index: LocatedValue): Scope | null => {
      let s = scope;
      if (e.item) s = { name: e.item, value: item, parent: s };
      if (e.index) s = { name: e.index, value: index, parent: s };
      return s;
    };
    const body = (s: Scope | null): LocatedValue | null => {
      if (e.body.k !== 'if') return this.evaluate(e.body, s);
      const c = this.evaluate(e.body.cond, s);
      return c.kind === 'boolean' && !c.value ? null : this.evaluate(e.body.body, s);
    };
    if (list.kind === 'array' && list.items.length <= MAX_LOOP_ITEMS) {
      const items: LocatedValue[] = [];
      list.items.forEach((item, i) => {
        const v = body(bind(item, { kind: 'number', value: i, range: item.range }));
        if (v) items.push(v);
      });
      return { kind: 'array', items, range: r };
    }
    // The loop variables are runtime values located at the loop's array; used bare they show their own names.
    const v = body(bind(this.unknown(e.iterable, e.item ?? ''), this.unknown(e.iterable, e.index ?? '')));
    return { kind: 'array', items: v ? [v] : [], range: r };
  }

  /**
   * The bodies a resource or module declaration deploys: its object, the object under `if (...)` (a condition never
   * hides a resource: parameters can change it), or one body per item of a loop over a known array (the loop
   * variables bound), else one body with the loop variables unknown.
   */
  declarationBodies(value: Expr): LocatedValue[] {
    const inner = (x: Expr) => (x.k === 'if' ? x.body : x);
    if (value.k !== 'for') return [this.evaluate(inner(value))];
    const list = this.evaluate(value.iterable, null);
    const bind = (item: LocatedValue, index: LocatedValue): Scope | null => {
      let s: Scope | null = null;
      if (value.item) s = { name: value.item, value: item, parent: s };
      if (value.index) s = { name: value.index, value: index, parent: s };
      return s;
    };
    if (list.kind === 'array' && list.items.length > 0 && list.items.length <= MAX_LOOP_ITEMS) {
      return list.items.map((item, i) => this.evaluate(inner(value.body), bind(item, { kind: 'number', value: i, range: item.range })));
    }
    return [this.evaluate(inner(value.body), bind(this.unknown(value.iterable, value.item ?? ''), this.unknown(value.iterable, value.index ?? '')))];
  }

  private index(e: Expr & { k: 'index' }, scope: Scope | null): LocatedValue {
    const obj = this.evaluate(e.obj, scope);
    const idx = this.evaluate(e.index, scope);
    if (obj.kind === 'array' && idx.kind === 'number') {
      const i = e.fromEnd ? obj.items.length - idx.value : idx.value;
      if (Number.isInteger(i) && i >= 0 && i < obj.items.length) return obj.items[i];
    } else if (obj.kind === 'object' && idx.kind === 'string') {
      const p = findProperty(obj.properties, idx.value);
      if (p) return p.value;
    } else if (obj.kind === 'null' && e.safe) return obj;
    if (e.safe && (obj.kind === 'array' || obj.kind === 'object') && idx.kind !== 'unknown') return { kind: 'null', range: this.range(e.start, e.end) };
    return this.unknown(e);
  }

  private binary(e: Expr & { k: 'binary' }, scope: Scope | null): LocatedValue {
    const r = this.range(e.start, e.end);
    const l = this.evaluate(e.left, scope);
    // Short circuits decide even when the other side is a runtime value.
    if (e.op === '&&' && l.kind === 'boolean' && !l.value) return { kind: 'boolean', value: false, range: r };
    if (e.op === '||' && l.kind === 'boolean' && l.value) return { kind: 'boolean', value: true, range: r };
    if (e.op === '??') return l.kind === 'null' ? this.evaluate(e.right, scope) : l.kind === 'unknown' ? this.unknown(e) : l;
    const rv = this.evaluate(e.right, scope);
    if (l.kind === 'unknown' || rv.kind === 'unknown') return this.unknown(e);
    const bool = (value: boolean): LocatedValue => ({ kind: 'boolean', value, range: r });
    switch (e.op) {
      case '&&': case '||': return rv.kind === 'boolean' && l.kind === 'boolean' ? bool(rv.value) : this.unknown(e);
      case '==': case '!=': {
        const eq = sameValue(l, rv, false);
        return eq === undefined ? this.unknown(e) : bool(e.op === '==' ? eq : !eq);
      }
      case '=~': case '!~': {
        const eq = sameValue(l, rv, true);
        return eq === undefined ? this.unknown(e) : bool(e.op === '=~' ? eq : !eq);
      }
    }
    if (l.kind === 'number' && rv.kind === 'number') {
      const a = l.value, b = rv.value;
      const num = (value: number): LocatedValue => (Number.isFinite(value) ? { kind: 'number', value, range: r } : this.unknown(e));
      switch (e.op) {
        case '+': return num(a + b);
        case '-': return num(a - b);
        case '*': return num(a * b);
        case '/': return b === 0 ? this.unknown(e) : num(Math.trunc(a / b));
        case '%': return b === 0 ? this.unknown(e) : num(a % b);
        case '<': return bool(a < b);
        case '<=': return bool(a <= b);
        case '>': return bool(a > b);
        case '>=': return bool(a >= b);
      }
    }
    return this.unknown(e);
  }
}

/**
 * Adds a property; a later one with the same key replaces the earlier, in its place. Duplicates are rare, so a
 * backwards scan (bounded, to stay linear on huge objects) beats a Map allocated per object.
 */
function setProperty(properties: LocatedProperty[], p: LocatedProperty): void {
  for (let i = properties.length - 1, stop = Math.max(0, properties.length - 64); i >= stop; i--) {
    if (properties[i].key === p.key) { properties[i] = p; return; }
  }
  properties.push(p);
}

/** Equality of two known scalars (strings optionally ignoring case); undefined when it cannot be told. */
function sameValue(a: LocatedValue, b: LocatedValue, ignoreCase: boolean): boolean | undefined {
  if (a.kind === 'string' && b.kind === 'string') return ignoreCase ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value;
  if (a.kind === 'number' && b.kind === 'number') return a.value === b.value;
  if (a.kind === 'boolean' && b.kind === 'boolean') return a.value === b.value;
  if (a.kind === 'null' || b.kind === 'null') return a.kind === b.kind;
  if (a.kind !== b.kind && (a.kind === 'string' || a.kind === 'number' || a.kind === 'boolean')) return false;
  return undefined;
}
