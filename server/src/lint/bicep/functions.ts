/**
 * The Bicep (ARM) functions the evaluator computes when their arguments are known: those that build the values a
 * least-privilege check reads (concat/union of action lists, format and string helpers, loops' range/items, the
 * resource-id functions and the deployment-scope objects, shared with ARM templates in ../resource-ids.ts).
 * Anything else, and every function whose result exists only at deployment (guid, uniqueString, reference, ...),
 * returns undefined and stays an unknown value. A resource id or a concatenation with runtime parts is an unknown
 * value whose `symbolic` text still shows its known parts.
 */
import type { LocatedProperty, LocatedValue, Range } from '../model';
import { buildResourceId, deploymentScopeObject, MAX_SYMBOLIC, type IdPart } from '../resource-ids';
import type { Expr } from './ast';
import type { Evaluator } from './evaluate';

type Call = Expr & { k: 'call' };
type Scope = Parameters<Evaluator['evaluate']>[1];

const MAX_ITEMS = 100_000;
/** Gives each unknown value a distinct key: a runtime value equals nothing known. */
let unknownCount = 0;

/** Computes a call when its function is known and its arguments allow; undefined means "a runtime value". */
export function callFunction(ev: Evaluator, e: Call, scope: Scope): LocatedValue | undefined {
  // An own-property check: a function named 'constructor' or 'toString' must not reach Object.prototype.
  const name = e.name.toLowerCase();
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return undefined;
  const args = e.args.map((a) => ev.evaluate(a, scope));
  return fn(args, ev.range(e.start, e.end), ev, e);
}

type Fn = (args: LocatedValue[], range: Range, ev: Evaluator, e: Call) => LocatedValue | undefined;

const str = (value: string, range: Range): LocatedValue => ({ kind: 'string', value, range });
const num = (value: number, range: Range): LocatedValue => ({ kind: 'number', value, range });
const bool = (value: boolean, range: Range): LocatedValue => ({ kind: 'boolean', value, range });

/** A resource-id function: a string when every argument is known, else an unknown value with its symbolic id. */
const resourceIdFn = (name: string): Fn => (a, range, ev, e) => {
  const parts: IdPart[] = a.map((v, i) => {
    const t = scalarText(v);
    if (t !== undefined) return t;
    return { symbolic: v.kind === 'unknown' ? v.symbolic ?? v.text : ev.unknown(e.args[i]).text };
  });
  const id = buildResourceId(name, parts);
  if (!id) return undefined;
  return id.known ? str(id.text, range) : { ...ev.unknown(e), symbolic: id.text };
};

/** subscription(), resourceGroup(), managementGroup(): ids with placeholders for what the deployment decides. */
const scopeFn = (name: string): Fn => (a, range) => {
  const args = a.map(scalarText);
  if (args.some((x) => x === undefined)) return undefined;
  const o = deploymentScopeObject(name, args as string[]);
  if (!o) return undefined;
  return { kind: 'object', range, properties: Object.entries(o).map(([key, value]) => ({ key, keyRange: range, value: str(value, range) })) };
};

const FUNCTIONS: Record<string, Fn> = {
  any: (a) => a[0],
  resourceid: resourceIdFn('resourceId'),
  subscriptionresourceid: resourceIdFn('subscriptionResourceId'),
  tenantresourceid: resourceIdFn('tenantResourceId'),
  managementgroupresourceid: resourceIdFn('managementGroupResourceId'),
  extensionresourceid: resourceIdFn('extensionResourceId'),
  subscription: scopeFn('subscription'),
  resourcegroup: scopeFn('resourceGroup'),
  managementgroup: scopeFn('managementGroup'),
  concat: (a, range, ev, e) => {
    if (a.length > 0 && a.every((v) => v.kind === 'array' || v.kind === 'unknown') && a.some((v) => v.kind === 'array')) {
      // An unknown argument stands as one unknown item, so the known items are still checked.
      const items = a.flatMap((v) => (v.kind === 'array' ? v.items : [v]));
      return items.length > MAX_ITEMS ? undefined : { kind: 'array', items, range };
    }
    const parts = a.map(scalarText);
    if (parts.every((p) => p !== undefined)) return str(parts.join(''), range);
    const sym = a.map(symbolicText);
    if (sym.some((p) => p === undefined)) return undefined;
    const symbolic = sym.join('');
    return symbolic.length <= MAX_SYMBOLIC ? { ...ev.unknown(e), symbolic } : undefined;
  },
  union: (a, range) => {
    if (a.length === 0) return undefined;
    if (a.every((v) => v.kind === 'object')) return a.slice(1).reduce<LocatedValue>((x, y) => mergeObjects(x, y, range), a[0]);
    if (a.every((v) => v.kind === 'array' || v.kind === 'unknown') && a.some((v) => v.kind === 'array')) {
      const items = unionItems(a.flatMap((v) => (v.kind === 'array' ? v.items : [v])));
      return items.length > MAX_ITEMS ? undefined : { kind: 'array', items, range };
    }
    return undefined;
  },
  createarray: (a, range) => ({ kind: 'array', items: a, range }),
  tolower: (a, range) => (a[0]?.kind === 'string' ? str(a[0].value.toLowerCase(), range) : undefined),
  toupper: (a, range) => (a[0]?.kind === 'string' ? str(a[0].value.toUpperCase(), range) : undefined),
  string: (a, range) => {
    const s = a[0] && scalarText(a[0]);
    return s === undefined ? undefined : str(s, range);
  },
  length: (a, range) => {
    const v = a[0];
    if (v?.kind === 'array') return num(v.items.length, range);
    if (v?.kind === 'object') return num(v.properties.length, range);
    if (v?.kind === 'string') return num(v.value.length, range);
    return undefined;
  },
  empty: (a, range) => {
    const v = a[0];
    if (v?.kind === 'array') return bool(v.items.length === 0, range);
    if (v?.kind === 'object') return bool(v.properties.length === 0, range);
    if (v?.kind === 'string') return bool(v.value.length === 0, range);
    if (v?.kind === 'null') return bool(true, range);
    return undefined;
  },
  contains: (a, range) => {
    const [c, x] = a;
    if (!c || !x || x.kind === 'unknown') return undefined;
    if (c.kind === 'string' && x.kind === 'string') return bool(c.value.includes(x.value), range);
    if (c.kind === 'object' && x.kind === 'string') return bool(findProperty(c.properties, x.value) !== undefined, range);
    if (c.kind === 'array') {
      if (c.items.some((i) => valueKey(i) === valueKey(x))) return bool(true, range);
      return c.items.some((i) => i.kind === 'unknown') ? undefined : bool(false, range);
    }
    return undefined;
  },
  first: (a, range) => {
    const v = a[0];
    if (v?.kind === 'array') return v.items[0] ?? { kind: 'null', range };
    return v?.kind === 'string' ? str(v.value.slice(0, 1), range) : undefined;
  },
  last: (a, range) => {
    const v = a[0];
    if (v?.kind === 'array') return v.items[v.items.length - 1] ?? { kind: 'null', range };
    return v?.kind === 'string' ? str(v.value.slice(-1), range) : undefined;
  },
  join: (a, range) => {
    const [list, sep] = a;
    if (list?.kind !== 'array' || sep?.kind !== 'string') return undefined;
    const parts = list.items.map(scalarText);
    return parts.some((p) => p === undefined) ? undefined : str(parts.join(sep.value), range);
  },
  split: (a, range) => {
    const [s, sep] = a;
    if (s?.kind !== 'string') return undefined;
    const seps = sep?.kind === 'string' ? [sep.value] : sep?.kind === 'array' ? sep.items.map(scalarText) : [undefined];
    if (seps.some((x) => x === undefined || x === '')) return undefined;
    let pieces = [s.value];
    for (const x of seps as string[]) pieces = pieces.flatMap((p) => p.split(x));
    return { kind: 'array', items: pieces.map((p) => str(p, range)), range };
  },
  replace: (a, range) => {
    const [s, from, to] = a;
    if (s?.kind !== 'string' || from?.kind !== 'string' || to?.kind !== 'string' || from.value === '') return undefined;
    return str(s.value.split(from.value).join(to.value), range);
  },
  format: (a, range) => {
    const [fmt, ...rest] = a;
    if (fmt?.kind !== 'string') return undefined;
    let ok = true;
    const out = fmt.value.replace(/\{\{|\}\}|\{(\d+)(?:[,:][^}]*)?\}/g, (m, n: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (m.length !== n!.length + 2) ok = false; // alignment or format strings are not interpreted
      const t = rest[Number(n)] && scalarText(rest[Number(n)]);
      if (t === undefined) ok = false;
      return t ?? '';
    });
    return ok ? str(out, range) : undefined;
  },
  coalesce: (a) => {
    for (const v of a) {
      if (v.kind === 'unknown') return undefined;
      if (v.kind !== 'null') return v;
    }
    return a[a.length - 1];
  },
  range: (a, range) => {
    const [start, count] = a;
    if (start?.kind !== 'number' || count?.kind !== 'number' || count.value < 0 || count.value > 1000) return undefined;
    return { kind: 'array', items: Array.from({ length: count.value }, (_, i) => num(start.value + i, range)), range };
  },
  items: (a, range) => {
    const o = a[0];
    if (o?.kind !== 'object') return undefined;
    const items = [...o.properties]
      .sort((x, y) => (x.key.toLowerCase() < y.key.toLowerCase() ? -1 : x.key.toLowerCase() > y.key.toLowerCase() ? 1 : 0))
      .map((p): LocatedValue => ({
        kind: 'object',
        range: p.keyRange,
        properties: [
          { key: 'key', keyRange: p.keyRange, value: str(p.key, p.keyRange) },
          { key: 'value', keyRange: p.keyRange, value: p.value },
        ],
      }));
    return { kind: 'array', items, range };
  },
};

/** Property lookup as ARM does it: exact first, then ignoring case. */
export function findProperty(props: LocatedProperty[], key: string): LocatedProperty | undefined {
  const exact = props.find((p) => p.key === key);
  if (exact) return exact;
  const lower = key.toLowerCase();
  return props.find((p) => p.key.toLowerCase() === lower);
}

/** The text a scalar contributes to an interpolated string; undefined for unknown and structured values. */
export function scalarText(v: LocatedValue): string | undefined {
  switch (v.kind) {
    case 'string': return v.value;
    case 'number': return String(v.value);
    case 'boolean': return v.value ? 'true' : 'false';
    default: return undefined;
  }
}

/**
 * The text a value contributes to a symbolic string: a scalar's text, a runtime value as `{source}` (or its own
 * symbolic text); undefined for structured values.
 */
export function symbolicText(v: LocatedValue): string | undefined {
  if (v.kind !== 'unknown') return scalarText(v);
  return v.symbolic ?? `{${v.text}}`;
}

/** ARM's union of objects: later keys win; nested objects are merged recursively. */
function mergeObjects(a: LocatedValue, b: LocatedValue, range: Range): LocatedValue {
  if (a.kind !== 'object' || b.kind !== 'object') return b;
  const properties: LocatedProperty[] = [...a.properties];
  for (const p of b.properties) {
    const i = properties.findIndex((q) => q.key.toLowerCase() === p.key.toLowerCase());
    if (i < 0) properties.push(p);
    else properties[i] = { ...p, value: mergeObjects(properties[i].value, p.value, p.value.range) };
  }
  return { kind: 'object', properties, range };
}

/** Array union: duplicates (by value) dropped, first occurrence kept; unknown items are all kept. */
function unionItems(items: LocatedValue[]): LocatedValue[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    if (v.kind === 'unknown') return true;
    const k = valueKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A canonical text of a known value, for equality; unknown values never equal anything. */
function valueKey(v: LocatedValue): string {
  switch (v.kind) {
    case 'string': return JSON.stringify(v.value);
    case 'number': case 'boolean': return String(v.value);
    case 'null': return 'null';
    case 'array': return `[${v.items.map(valueKey).join(',')}]`;
    case 'object': return `{${v.properties.map((p) => `${JSON.stringify(p.key)}:${valueKey(p.value)}`).join(',')}}`;
    case 'unknown': return `?${++unknownCount}`;
  }
}
