/**
 * The operation catalog: every Azure resource-provider operation (Actions and DataActions), the operations retired in
 * the last year, and the built-in roles, from server/data/catalog.json (built by scripts/build-catalog.mjs, inlined by
 * esbuild). Wildcards follow Azure's semantics: case-insensitive, and `*` matches any characters, '/' included.
 */
import raw from '../../data/catalog.json';

export type OpKind = 'action' | 'data';

export interface Operation {
  /** Canonical spelling, e.g. Microsoft.Storage/storageAccounts/read. */
  name: string;
  lower: string;
  provider: string;
  kind: OpKind;
}

export interface RetiredOperation { name: string; kind: OpKind; lastSeen: string }

export interface BuiltInRole {
  id: string;
  name: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

interface CatalogFile {
  providers: Record<string, { a: string[]; d: string[] }>;
  removed: [string, number, string][];
  roles: [string, string, string[], string[], string[], string[]][];
}

interface Index {
  all: Record<OpKind, Operation[]>;
  byName: Map<string, Operation[]>;
  /** Exact names per kind, as one-element lists built once: literal expansions allocate nothing. */
  exact: Record<OpKind, Map<string, Operation[]>>;
  byProvider: Map<string, { name: string; action: Operation[]; data: Operation[] }>;
  removed: Map<string, RetiredOperation[]>;
  /** Providers that only the retired list knows (classic providers and the like), lower-cased. */
  removedProviders: Set<string>;
  roles: BuiltInRole[];
  roleById: Map<string, BuiltInRole>;
}

let index: Index | undefined;

/** Builds the lookup structures on first use only, so loading the module costs nothing until a file is linted. */
function idx(): Index {
  if (index) return index;
  const data = raw as unknown as CatalogFile;
  const all: Index['all'] = { action: [], data: [] };
  const byName = new Map<string, Operation[]>();
  const byProvider: Index['byProvider'] = new Map();
  for (const [provider, lists] of Object.entries(data.providers)) {
    const entry = { name: provider, action: [] as Operation[], data: [] as Operation[] };
    byProvider.set(provider.toLowerCase(), entry);
    for (const [kind, names] of [['action', lists.a], ['data', lists.d]] as const) {
      for (const suffix of names) {
        const name = `${provider}/${suffix}`;
        const op: Operation = { name, lower: name.toLowerCase(), provider, kind };
        entry[kind].push(op);
        all[kind].push(op);
        const same = byName.get(op.lower);
        if (same) same.push(op); else byName.set(op.lower, [op]);
      }
    }
  }
  const removed = new Map<string, RetiredOperation[]>();
  const removedProviders = new Set<string>();
  for (const [name, d, lastSeen] of data.removed) {
    const lower = name.toLowerCase();
    const list = removed.get(lower) ?? [];
    list.push({ name, kind: d ? 'data' : 'action', lastSeen });
    removed.set(lower, list);
    const provider = lower.split('/')[0];
    if (!byProvider.has(provider)) removedProviders.add(provider);
  }
  const roles = data.roles.map(([id, name, actions, notActions, dataActions, notDataActions]) =>
    ({ id, name, actions, notActions, dataActions, notDataActions }));
  const exact: Index['exact'] = { action: new Map(), data: new Map() };
  for (const kind of ['action', 'data'] as const) for (const op of all[kind]) exact[kind].set(op.lower, [op]);
  index = { all, byName, exact, byProvider, removed, removedProviders, roles, roleById: new Map(roles.map((r) => [r.id.toLowerCase(), r])) };
  return index;
}

/** Azure compares operation strings trimmed and case-insensitively. */
export function normalizeOperation(s: string): string { return s.trim().toLowerCase(); }

const compiled = new Map<string, RegExp>();

/** A compiled, anchored, case-insensitive matcher for one pattern (cached). */
export function patternRegex(pattern: string): RegExp {
  const key = normalizeOperation(pattern);
  let re = compiled.get(key);
  if (!re) {
    if (compiled.size > 10_000) compiled.clear();
    re = new RegExp('^' + key.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    compiled.set(key, re);
  }
  return re;
}

/** Whether an operation name matches a pattern (literal or wildcard), with Azure's semantics. */
export function matches(pattern: string, operation: string): boolean {
  const p = normalizeOperation(pattern);
  const o = normalizeOperation(operation);
  return p.includes('*') ? patternRegex(p).test(o) : p === o;
}

const expansions = new Map<string, Operation[]>();
const NONE: Operation[] = [];

/**
 * The catalog operations of one kind that a pattern grants. Only the named provider is searched when the provider
 * part has no `*`, which keeps most expansions to a few hundred comparisons.
 */
export function expand(pattern: string, kind: OpKind): Operation[] {
  const p = normalizeOperation(pattern);
  if (!p.includes('*')) return idx().exact[kind].get(p) ?? NONE;
  const key = kind + '|' + p;
  const hit = expansions.get(key);
  if (hit) return hit;
  const ix = idx();
  let result: Operation[];
  if (!p.includes('*')) {
    result = (ix.byName.get(p) ?? []).filter((o) => o.kind === kind);
  } else {
    const slash = p.indexOf('/');
    const providerPart = slash < 0 ? p : p.slice(0, slash);
    let candidates: Operation[];
    if (!providerPart.includes('*')) candidates = ix.byProvider.get(providerPart)?.[kind] ?? [];
    else if (p === '*') candidates = ix.all[kind];
    else {
      const prefix = providerPart.slice(0, providerPart.indexOf('*'));
      candidates = prefix ? ix.all[kind].filter((o) => o.lower.startsWith(prefix)) : ix.all[kind];
    }
    const re = patternRegex(p);
    result = p === '*' ? candidates : candidates.filter((o) => re.test(o.lower));
  }
  if (expansions.size > 5_000) expansions.clear();
  expansions.set(key, result);
  return result;
}

/** Azure's effective permissions for one list pair: expand(grants) minus expand(exclusions), as a set of names. */
export function effectivePermissions(grants: string[], exclusions: string[], kind: OpKind): Set<Operation> {
  const out = new Set<Operation>();
  for (const g of grants) for (const op of expand(g, kind)) out.add(op);
  for (const n of exclusions) for (const op of expand(n, kind)) out.delete(op);
  return out;
}

/** The catalog entries with this exact name (an Action, a DataAction, or both: 23 names are both). */
export function lookup(name: string): Operation[] { return idx().byName.get(normalizeOperation(name)) ?? []; }

/** Whether the provider (first segment) is in the current catalog. */
export function knownProvider(provider: string): string | undefined { return idx().byProvider.get(provider.trim().toLowerCase())?.name; }

/** Retired entries for an exact name, or, for any name under a provider that no longer exists, that provider. */
export function retired(name: string): { operations: RetiredOperation[]; provider?: string } | undefined {
  const ix = idx();
  const lower = normalizeOperation(name);
  const provider = lower.split('/')[0];
  const ops = ix.removed.get(lower) ?? [];
  const providerGone = ix.removedProviders.has(provider) || (/classic/.test(provider) && !ix.byProvider.has(provider));
  if (!ops.length && !providerGone) return undefined;
  return { operations: ops, provider: providerGone ? name.trim().split('/')[0] : undefined };
}

/** The built-in roles (933), sorted by name. */
export function builtInRoles(): readonly BuiltInRole[] { return idx().roles; }

/** A built-in role by its GUID (any case), or undefined. */
export function builtInRole(id: string): BuiltInRole | undefined { return idx().roleById.get(id.toLowerCase()); }

/** Operations granting or changing access: what makes a role able to raise its own or someone else's privileges. */
const ESCALATION = [
  'microsoft.authorization/roleassignments/write', 'microsoft.authorization/roleassignments/delete',
  'microsoft.authorization/roledefinitions/write', 'microsoft.authorization/roledefinitions/delete',
  'microsoft.authorization/denyassignments/write', 'microsoft.authorization/denyassignments/delete',
  'microsoft.authorization/roleassignmentschedulerequests/write', 'microsoft.authorization/roleeligibilityschedulerequests/write',
  'microsoft.authorization/elevateaccess/action',
];

/** Whether an operation grants or changes access (role assignments/definitions, deny assignments, PIM requests, elevateAccess). */
export function touchesAccessControl(name: string): boolean { return ESCALATION.includes(normalizeOperation(name)); }

/** The access-control operations as catalog names, for messages. */
export function accessControlOperations(): string[] {
  return ESCALATION.map((e) => lookup(e)[0]?.name ?? e);
}

/** Splits an operation into provider, resource type and the operation verb (`start/action` keeps its suffix). */
export function splitOperation(name: string): { provider: string; resourceType: string; operation: string } {
  const parts = name.trim().split('/');
  const verbParts = parts.length > 2 && parts[parts.length - 1].toLowerCase() === 'action' ? 2 : 1;
  const verb = parts.slice(Math.max(1, parts.length - verbParts));
  const typeParts = parts.slice(0, Math.max(1, parts.length - verbParts));
  return { provider: parts[0], resourceType: typeParts.join('/'), operation: verb.join('/') };
}

export interface OperationDescription {
  name: string;
  known: boolean;
  provider: string;
  resourceType: string;
  operation: string;
  /** Action (control plane), DataAction, or both: from the catalog; undefined when unknown. */
  kinds: OpKind[];
  touchesAccessControl: boolean;
  /** Built-in roles whose effective permissions include it (names, at most `maxRoles`), and their count. */
  builtInRoles: string[];
  builtInRoleCount: number;
  retired?: { operations: RetiredOperation[]; provider?: string };
  /** For a wildcard: how many operations it grants of each kind, and the first few. */
  wildcard?: { actions: number; dataActions: number; first: string[] };
}

/** Hover data for one operation string or wildcard (the daemon's hover calls this). */
export function describeOperation(name: string, maxRoles = 10): OperationDescription {
  const clean = name.trim();
  const split = splitOperation(clean);
  const entries = lookup(clean);
  const desc: OperationDescription = {
    name: entries[0]?.name ?? clean, known: entries.length > 0, ...split, kinds: entries.map((e) => e.kind),
    touchesAccessControl: touchesAccessControl(clean), builtInRoles: [], builtInRoleCount: 0, retired: retired(clean),
  };
  if (clean.includes('*')) {
    const w = expandWildcard(clean, 8);
    desc.wildcard = { actions: w.actions, dataActions: w.dataActions, first: w.first };
    desc.touchesAccessControl = expand(clean, 'action').some((o) => touchesAccessControl(o.name));
    return desc;
  }
  for (const role of idx().roles) {
    const inActions = covers(role.actions, role.notActions, clean) && (entries.length === 0 || entries.some((e) => e.kind === 'action'));
    const inData = covers(role.dataActions, role.notDataActions, clean) && entries.some((e) => e.kind === 'data');
    if (inActions || inData) {
      if (desc.builtInRoles.length < maxRoles) desc.builtInRoles.push(role.name);
      desc.builtInRoleCount++;
    }
  }
  return desc;
}

function covers(grants: string[], exclusions: string[], op: string): boolean {
  return grants.some((g) => matches(g, op)) && !exclusions.some((n) => matches(n, op));
}

/** How many operations a wildcard grants (per kind) and the first few names, read-only ones first. */
export function expandWildcard(pattern: string, first = 10): { actions: number; dataActions: number; first: string[]; operations: string[] } {
  const a = expand(pattern, 'action');
  const d = expand(pattern, 'data');
  const operations = sortedNames(a, 'a|' + pattern).concat(sortedNames(d, 'd|' + pattern));
  return { actions: a.length, dataActions: d.length, first: operations.slice(0, first), operations };
}

const sortedCache = new Map<string, string[]>();

/** Operation names read-only first, cached per pattern: quick-fix data is built for every wildcard finding. */
export function sortedNames(ops: Operation[], key: string): string[] {
  const k = normalizeOperation(key);
  let names = sortedCache.get(k);
  if (!names) {
    names = ops.map((o) => o.name).sort(readOnlyFirst);
    if (sortedCache.size > 2_000) sortedCache.clear();
    sortedCache.set(k, names);
  }
  return names;
}

/** Sort order for suggestions: reads before everything else, then alphabetical. */
export function readOnlyFirst(x: string, y: string): number {
  const rx = /\/read$/i.test(x) ? 0 : 1, ry = /\/read$/i.test(y) ? 0 : 1;
  return rx - ry || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * The nearest catalog operation to a misspelled one (edit distance, case-insensitive), searched within the same
 * provider when it is known, else within the nearest provider name. Undefined when nothing is reasonably close.
 */
export function nearestOperation(name: string, kind?: OpKind): string | undefined {
  const ix = idx();
  const lower = normalizeOperation(name);
  const slash = lower.indexOf('/');
  const providerLower = slash < 0 ? lower : lower.slice(0, slash);
  let provider = ix.byProvider.get(providerLower);
  if (!provider) {
    let best = Infinity;
    for (const [k, v] of ix.byProvider) {
      const d = distance(providerLower, k, best);
      if (d < best) { best = d; provider = v; }
    }
    if (best > Math.max(2, providerLower.length / 4)) return undefined;
  }
  if (!provider) return undefined;
  const candidates = kind ? provider[kind] : [...provider.action, ...provider.data];
  const rest = provider.name.toLowerCase() + lower.slice(providerLower.length);
  let best: Operation | undefined;
  let bestD = Math.max(3, Math.floor(rest.length / 5)) + 1;
  for (const op of candidates) {
    const d = distance(rest, op.lower, bestD);
    if (d < bestD) { bestD = d; best = op; }
  }
  return best?.name;
}

/** Levenshtein distance with an early exit once every cell in a row exceeds `limit`. */
export function distance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** Every operation name in the catalog of one kind (completion). */
export function allOperations(kind: OpKind): readonly Operation[] { return idx().all[kind]; }
