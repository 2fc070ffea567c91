/**
 * The subset of KQL (Kusto) the emulator's Resource Graph route understands: what Rampart sends, and a little more.
 *   <table> [| where <cond> [and <cond>]...]... [| project [<name> =] <column>, ...] [| order by <column> [asc|desc]]
 * A condition is `<column> =~ | == | !~ | != '<text>'` or `<column> in~ | in | !in~ ('<text>', ...)`; a column may
 * be a dotted path (properties.state). Anything else is a KqlError, which the route answers as ARG's 400 InvalidQuery.
 */

export class KqlError extends Error {}

type Op = '=~' | '==' | '!~' | '!=' | 'in~' | 'in' | '!in~' | '!in';
interface Condition { column: string; op: Op; values: string[] }

export interface KqlQuery {
  /** Lower-case table name. */
  table: string;
  where: Condition[];
  /** Projected columns, in order (`name = path`, or a path named by its last segment); undefined keeps every column. */
  project?: { name: string; path: string }[];
  order?: { column: string; descending: boolean };
}

export const KNOWN_TABLES = ['resources', 'resourcecontainers', 'authorizationresources', 'securityresources'];

/** Splits on `sep` outside single- or double-quoted strings. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === "'" || c === '"') quote = c;
    else if (text.startsWith(sep, i)) { out.push(text.slice(start, i)); start = i + sep.length; }
  }
  if (quote) throw new KqlError('Unterminated string literal.');
  out.push(text.slice(start));
  return out;
}

const COLUMN = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;
const STRING = /^\s*(?:'([^']*)'|"([^"]*)")\s*$/;

function literal(text: string): string {
  const m = STRING.exec(text);
  if (!m) throw new KqlError(`Expected a string literal, got '${text.trim()}'.`);
  return m[1] ?? m[2];
}

function column(text: string): string {
  const c = text.trim();
  if (!COLUMN.test(c)) throw new KqlError(`'${c}' is not a column name.`);
  return c;
}

function condition(text: string): Condition {
  const m = /^\s*([\w.]+)\s*(=~|==|!~|!=|!in~|!in|in~|in)\s*(.+?)\s*$/s.exec(text);
  if (!m) throw new KqlError(`Unsupported condition '${text.trim()}'.`);
  const op = m[2] as Op;
  if (op.includes('in')) {
    const list = /^\((.*)\)$/s.exec(m[3]);
    if (!list) throw new KqlError(`'${op}' needs a parenthesised list of strings.`);
    return { column: column(m[1]), op, values: splitOutsideQuotes(list[1], ',').map(literal) };
  }
  return { column: column(m[1]), op, values: [literal(m[3])] };
}

export function parseKql(text: string): KqlQuery {
  const [head, ...ops] = splitOutsideQuotes(text, '|').map((s) => s.trim());
  const table = head.toLowerCase();
  if (!KNOWN_TABLES.includes(table)) throw new KqlError(`Table '${head}' is not one the emulator serves (${KNOWN_TABLES.join(', ')}).`);
  const q: KqlQuery = { table, where: [] };
  for (const op of ops) {
    const m = /^(where|project|order\s+by|sort\s+by)\s+(.+)$/is.exec(op);
    if (!m) throw new KqlError(`Unsupported operator '${op.split(/\s/)[0]}'.`);
    const verb = m[1].toLowerCase().replace(/\s+/g, ' ');
    if (verb === 'where') q.where.push(...m[2].split(/\s+and\s+/i).map(condition));
    else if (verb === 'project') {
      q.project = splitOutsideQuotes(m[2], ',').map((item) => {
        const [name, path] = item.includes('=') ? item.split('=') : [undefined, item];
        const p = column(path);
        return { name: name === undefined ? p.split('.').pop()! : column(name), path: p };
      });
    }
    else {
      const o = /^([\w.]+)(?:\s+(asc|desc))?$/i.exec(m[2].trim());
      if (!o) throw new KqlError(`Unsupported ordering '${m[2].trim()}'.`);
      q.order = { column: column(o[1]), descending: (o[2] ?? 'desc').toLowerCase() === 'desc' };
    }
  }
  return q;
}

/**
 * The (lower-case) types a query can select, from its `type =~ / == / in~ / in` conditions; undefined: any. Lets the
 * tables skip generating rows the query would filter out anyway.
 */
export function selectedTypes(q: KqlQuery): ((type: string) => boolean) | undefined {
  const sets = q.where.filter((c) => c.column === 'type' && !c.op.startsWith('!')).map((c) => new Set(c.values.map((v) => v.toLowerCase())));
  if (!sets.length) return undefined;
  return (type) => sets.every((s) => s.has(type.toLowerCase()));
}

function valueAt(row: Record<string, unknown>, path: string): unknown {
  let v: unknown = row;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function test(c: Condition, row: Record<string, unknown>): boolean {
  const v = valueAt(row, c.column);
  const s = v === undefined || v === null ? '' : String(v);
  const insensitive = c.op.includes('~');
  const eq = (x: string) => (insensitive ? s.toLowerCase() === x.toLowerCase() : s === x);
  const hit = c.values.some(eq);
  return c.op.startsWith('!') ? !hit : hit;
}

/** The rows the query selects, projected. */
export function runKql(q: KqlQuery, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  let out = rows.filter((r) => q.where.every((c) => test(c, r)));
  if (q.order) {
    const { column: col, descending } = q.order;
    out = [...out].sort((a, b) => String(valueAt(a, col) ?? '').localeCompare(String(valueAt(b, col) ?? '')) * (descending ? -1 : 1));
  }
  const cols = q.project;
  if (!cols) return out;
  return out.map((r) => Object.fromEntries(cols.map((c) => [c.name, valueAt(r, c.path) ?? null])));
}
