/**
 * ARM template expressions (`[concat(parameters('x'), '/y')]`) evaluated where the value is known before deployment:
 * parameter defaults, variables, concat/format, the resource-id functions and subscription()/resourceGroup() ids.
 * Anything that depends on the deployment (guid(), reference(), a parameter without default) stays `unknown`, with
 * its source text so rules can still recognise, say, a built-in role GUID inside it.
 */
import { get } from './json';
import type { LocatedValue, Range } from './model';
import { buildResourceId, deploymentScopeObject, isResourceIdFunction, type IdPart } from './resource-ids';

type Ast =
  | { t: 'lit'; v: string | number | boolean | null }
  | { t: 'call'; name: string; args: Ast[] }
  | { t: 'member'; obj: Ast; name: string }
  | { t: 'index'; obj: Ast; index: Ast };

/** The template's symbol tables and a guard against variables that refer to themselves. */
export class ArmScope {
  private readonly varCache = new Map<string, LocatedValue>();
  private readonly evaluating = new Set<string>();
  constructor(private readonly parameters: LocatedValue | undefined, private readonly variables: LocatedValue | undefined) {}

  parameter(name: string, range: Range, text: string): LocatedValue {
    const def = findKey(this.parameters, name);
    const dv = def && get(def, 'defaultValue');
    return dv ? this.evaluate(dv) : { kind: 'unknown', text, range };
  }

  variable(name: string, range: Range, text: string): LocatedValue {
    const key = name.toLowerCase();
    const hit = this.varCache.get(key);
    if (hit) return hit;
    const def = findKey(this.variables, name);
    if (!def || this.evaluating.has(key)) return { kind: 'unknown', text, range };
    this.evaluating.add(key);
    const v = this.evaluate(def);
    this.evaluating.delete(key);
    this.varCache.set(key, v);
    return v;
  }

  /** Evaluates every expression string inside a value; other values are returned as they are. */
  evaluate(v: LocatedValue): LocatedValue {
    switch (v.kind) {
      case 'string': return isExpression(v.value) ? this.expression(v.value, v.range) : unescape(v);
      case 'array': return { ...v, items: v.items.map((i) => this.evaluate(i)) };
      case 'object': return { ...v, properties: v.properties.map((p) => ({ ...p, value: this.evaluate(p.value) })) };
      default: return v;
    }
  }

  private expression(text: string, range: Range): LocatedValue {
    const unknown: LocatedValue = { kind: 'unknown', text, range };
    let ast: Ast | undefined;
    try { ast = new ExprParser(text.slice(1, -1)).parse(); } catch { return unknown; }
    if (!ast) return unknown;
    const v = this.eval(ast, range, text);
    if (!v) return unknown;
    // A scalar is reported where it is used (the resource's property), a list keeps its entries' own positions.
    return v.kind === 'array' || v.kind === 'object' ? v : { ...v, range };
  }

  private eval(a: Ast, range: Range, text: string): LocatedValue | undefined {
    const str = (value: string): LocatedValue => ({ kind: 'string', value, range });
    switch (a.t) {
      case 'lit':
        if (typeof a.v === 'string') return str(a.v);
        if (typeof a.v === 'number') return { kind: 'number', value: a.v, range };
        if (typeof a.v === 'boolean') return { kind: 'boolean', value: a.v, range };
        return { kind: 'null', range };
      case 'member': {
        const o = this.eval(a.obj, range, text);
        return o?.kind === 'object' ? findKey(o, a.name) : undefined;
      }
      case 'index': {
        const o = this.eval(a.obj, range, text);
        const i = this.eval(a.index, range, text);
        if (o?.kind === 'array' && i?.kind === 'number') return o.items[i.value];
        if (o?.kind === 'object' && i?.kind === 'string') return findKey(o, i.value);
        return undefined;
      }
      case 'call': return this.call(a, range, text, str);
    }
  }

  private call(a: Extract<Ast, { t: 'call' }>, range: Range, text: string, str: (s: string) => LocatedValue): LocatedValue | undefined {
    const args = () => a.args.map((x) => this.eval(x, range, text));
    const strings = (): string[] | undefined => {
      const vs = args();
      return vs.every((v) => v?.kind === 'string' || v?.kind === 'number') ? vs.map((v) => String((v as { value: unknown }).value)) : undefined;
    };
    const obj = (props: Record<string, string>): LocatedValue => ({
      kind: 'object', range,
      properties: Object.entries(props).map(([key, value]) => ({ key, keyRange: range, value: str(value) })),
    });
    switch (a.name.toLowerCase()) {
      case 'parameters': { const n = strings(); return n ? this.parameter(n[0], range, text) : undefined; }
      case 'variables': { const n = strings(); return n ? this.variable(n[0], range, text) : undefined; }
      case 'concat': {
        const vs = args();
        if (vs.length && vs.every((v) => v?.kind === 'array')) return { kind: 'array', range, items: vs.flatMap((v) => (v as { items: LocatedValue[] }).items) };
        const s = strings();
        return s ? str(s.join('')) : undefined;
      }
      case 'createarray': { const vs = args(); return vs.every(Boolean) ? { kind: 'array', range, items: vs as LocatedValue[] } : undefined; }
      case 'format': {
        const s = strings();
        return s ? str(s[0].replace(/\{(\d+)(?::[^}]*)?\}/g, (m, i: string) => s[Number(i) + 1] ?? m)) : undefined;
      }
      case 'tolower': { const s = strings(); return s ? str(s[0].toLowerCase()) : undefined; }
      case 'toupper': { const s = strings(); return s ? str(s[0].toUpperCase()) : undefined; }
      case 'string': { const s = strings(); return s ? str(s[0]) : undefined; }
      case 'if': {
        const [c, t, f] = args();
        return c?.kind === 'boolean' ? (c.value ? t : f) : undefined;
      }
      // Deployment-time ids keep a placeholder: their shape (which scope) is known even though the GUIDs are not.
      case 'subscription': case 'resourcegroup': case 'managementgroup': {
        const s = strings();
        const o = s && deploymentScopeObject(a.name, s);
        return o ? obj(o) : undefined;
      }
      default: return isResourceIdFunction(a.name) ? this.resourceId(a, range, text) : undefined;
    }
  }

  /** A resource-id function: a string when every argument is known, else an unknown value with its symbolic id. */
  private resourceId(a: Extract<Ast, { t: 'call' }>, range: Range, text: string): LocatedValue | undefined {
    const parts: IdPart[] = a.args.map((x) => {
      const v = this.eval(x, range, text);
      if (v?.kind === 'string' || v?.kind === 'number') return String(v.value);
      return { symbolic: v?.kind === 'unknown' && v.symbolic ? v.symbolic : show(x) };
    });
    const id = buildResourceId(a.name, parts);
    if (!id) return undefined;
    return id.known ? { kind: 'string', value: id.text, range } : { kind: 'unknown', text, range, symbolic: id.text };
  }
}

/** An expression's text again (for the symbolic parts of ids). */
function show(a: Ast): string {
  switch (a.t) {
    case 'lit': return typeof a.v === 'string' ? `'${a.v.replace(/'/g, "''")}'` : String(a.v);
    case 'call': return `${a.name}(${a.args.map(show).join(', ')})`;
    case 'member': return `${show(a.obj)}.${a.name}`;
    case 'index': return `${show(a.obj)}[${show(a.index)}]`;
  }
}

/** `[...]` is an expression; `[[...` is a literal string that starts with '['. */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s[0] === '[' && s[1] !== '[' && s[s.length - 1] === ']';
}

function unescape(v: Extract<LocatedValue, { kind: 'string' }>): LocatedValue {
  return v.value.startsWith('[[') ? { ...v, value: v.value.slice(1) } : v;
}

function findKey(obj: LocatedValue | undefined, name: string): LocatedValue | undefined {
  if (obj?.kind !== 'object') return undefined;
  const k = name.toLowerCase();
  return obj.properties.find((p) => p.key.toLowerCase() === k)?.value;
}

/** A small recursive-descent parser for the expression language (functions, strings, numbers, `.prop`, `[i]`). */
class ExprParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  parse(): Ast | undefined {
    const a = this.expr();
    this.ws();
    return this.i === this.s.length ? a : undefined;
  }

  private ws(): void { while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++; }

  private expr(): Ast {
    if (++this.depth > 64) throw new Error('too deep');
    this.ws();
    let a = this.primary();
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === '.') { this.i++; this.ws(); a = { t: 'member', obj: a, name: this.ident() }; }
      else if (c === '[') { this.i++; const index = this.expr(); this.expect(']'); a = { t: 'index', obj: a, index }; }
      else break;
    }
    this.depth--;
    return a;
  }

  private primary(): Ast {
    const c = this.s[this.i];
    if (c === "'") {
      let out = '';
      this.i++;
      for (;;) {
        if (this.i >= this.s.length) throw new Error('unterminated');
        if (this.s[this.i] === "'") {
          if (this.s[this.i + 1] === "'") { out += "'"; this.i += 2; continue; }
          this.i++;
          return { t: 'lit', v: out };
        }
        out += this.s[this.i++];
      }
    }
    const num = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (num) { this.i += num[0].length; return { t: 'lit', v: Number(num[0]) }; }
    const name = this.ident();
    this.ws();
    if (this.s[this.i] !== '(') {
      if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true' };
      if (name === 'null') return { t: 'lit', v: null };
      throw new Error('expected (');
    }
    this.i++;
    const args: Ast[] = [];
    this.ws();
    if (this.s[this.i] === ')') { this.i++; return { t: 'call', name, args }; }
    for (;;) {
      args.push(this.expr());
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      this.expect(')');
      return { t: 'call', name, args };
    }
  }

  private ident(): string {
    const m = /^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*(?=\s*\())?/.exec(this.s.slice(this.i));
    if (!m) throw new Error('expected identifier');
    this.i += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    this.ws();
    if (this.s[this.i] !== c) throw new Error(`expected ${c}`);
    this.i++;
  }
}
