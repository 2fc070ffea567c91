/**
 * The export query: which evidence rows, runs and audit rows an export covers. A scope narrows by connection,
 * control, assessment and period; the selection is a generator over the store's own arrays, so an export of
 * 100,000 rows never builds a second array of them. Per-control figures are tallied in one extra pass that keeps
 * only counters.
 */
import { type FindingsBreakdown, FindingsTally } from './findings';
import { type ExportAuditRow, type ExportControl, type ExportRun, type ExportSource, type StoreEvidence, auditHash } from './source';

/** A scope as asked for (CLI flags, palette picks). Every field is optional: nothing given means everything. */
export interface ExportScopeInput {
  /** Connection id or name. */
  connection?: string;
  /** Control id in the framework (e.g. CC6.1). */
  control?: string;
  /** Assessment id or name (only when the store has assessments). */
  assessment?: string;
  /** Period start/end: ISO date or date-time. A bare date for `to` means the end of that day (UTC). */
  from?: string;
  to?: string;
  framework?: string;
}

/** A resolved scope, as written into every export so a reader knows what was (and was not) included. */
export interface ExportScope {
  framework: string;
  connections: { id: string; name: string; tenantId: string; revoked: boolean }[];
  /** undefined: every control of the framework. */
  controls?: string[];
  assessment?: { id: string; name: string };
  from?: string;
  to?: string;
}

/** A scope that names something the store does not have, or a malformed date: the caller's mistake. */
export class ExportScopeError extends Error {}

/**
 * Resolves names to ids and dates to ISO instants. Without a connection, revoked connections are left out (as in
 * the views); naming one includes its retained history.
 */
export function resolveScope(src: ExportSource, input: ExportScopeInput): ExportScope {
  const framework = input.framework ?? 'soc2';
  const all = src.connections();
  let connections = all.filter((c) => !c.revoked);
  let controls: string[] | undefined;
  let from = input.from !== undefined ? parseDate(input.from, 'from') : undefined;
  let to = input.to !== undefined ? parseDate(input.to, 'to') : undefined;
  let assessment: ExportScope['assessment'];
  if (input.assessment !== undefined) {
    const a = src.assessments().find((x) => x.id === input.assessment || x.name === input.assessment);
    if (!a) throw new ExportScopeError(`No assessment '${input.assessment}' in the store.`);
    assessment = { id: a.id, name: a.name };
    if (a.connections) connections = all.filter((c) => a.connections!.includes(c.id));
    controls = a.controls;
    from ??= a.from && parseDate(a.from, 'from');
    to ??= a.to && parseDate(a.to, 'to');
  }
  if (input.connection !== undefined) {
    const c = all.find((x) => x.id === input.connection) ?? all.find((x) => x.name === input.connection);
    if (!c) throw new ExportScopeError(`No connection '${input.connection}'. Known: ${all.map((x) => x.name).join(', ') || 'none'}.`);
    connections = [c];
  }
  if (input.control !== undefined) {
    const known = src.controls();
    const c = known.find((x) => x.id.toLowerCase() === input.control!.toLowerCase());
    if (!c) throw new ExportScopeError(`No control '${input.control}' in ${framework}. Known: ${known.map((x) => x.id).join(', ')}.`);
    controls = [c.id];
  }
  if (from && to && from > to) throw new ExportScopeError(`The period starts (${from}) after it ends (${to}).`);
  return { framework, connections, controls, assessment, from, to };
}

function parseDate(text: string, which: 'from' | 'to'): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new ExportScopeError(`--${which} '${text}' is not a date: use YYYY-MM-DD or an ISO date-time.`);
  }
  // A bare end date means "through that day", which is what a person typing a period means.
  return new Date(dateOnly && which === 'to' ? ms + 86_400_000 - 1 : ms).toISOString();
}

/** The controls an export reports on, in catalog order. */
export function scopeControls(src: ExportSource, scope: ExportScope): ExportControl[] {
  const all = src.controls();
  return scope.controls ? all.filter((c) => scope.controls!.includes(c.id)) : all;
}

/**
 * Rows in scope: of a scoped connection, supporting a scoped control, and seen during the period (first observed
 * before its end and last seen after its start). Timestamps are compared as ISO strings (the store writes
 * toISOString()), which is much cheaper than parsing 100,000 dates twice. `only.unmapped` selects the rows that
 * support no control of the framework (so a bundle's per-control files plus unmapped.json hold every row).
 */
export function* selectEvidence(src: ExportSource, scope: ExportScope, only?: { unmapped: true }): Iterable<StoreEvidence> {
  const conns = new Set(scope.connections.map((c) => c.id));
  for (const r of src.evidence()) {
    const m = src.rowMatches(r);
    if (!conns.has(m.connectionId)) continue;
    if (scope.from && m.lastSeenAt < scope.from) continue;
    if (scope.to && m.observedAt > scope.to) continue;
    if (only?.unmapped ? m.controls.length > 0 : scope.controls && !m.controls.some((c) => scope.controls!.includes(c))) continue;
    yield r;
  }
}

/** Per-control figures over the rows in scope. */
export interface ControlTally extends ExportControl {
  evidenceCount: number;
  failing: number;
  unknown: number;
  presentTypes: string[];
  passingTypes: string[];
  /** Expected types present and passing, in percent of the expected types. */
  percent: number;
  /** satisfied: every expected type present, none failing or unknown over the period. */
  status: 'satisfied' | 'not-satisfied';
}

export interface ExportTally {
  rows: number;
  byStatus: Record<'pass' | 'fail' | 'unknown', number>;
  controls: ControlTally[];
  /** Rows that support no control of the framework. */
  unmapped: number;
  /** Earliest observedAt and latest lastSeenAt of the rows (the period actually covered when none was given). */
  firstObservedAt?: string;
  lastSeenAt?: string;
  /** Failing rows by severity and subscription. */
  findings: FindingsBreakdown;
}

/** One pass over the rows in scope, keeping counters only. */
export function tally(src: ExportSource, scope: ExportScope): ExportTally {
  const controls = scopeControls(src, scope);
  const acc = new Map(controls.map((c) => [c.id, { n: 0, fail: 0, unknown: 0, present: new Set<string>(), bad: new Set<string>() }]));
  const byStatus = { pass: 0, fail: 0, unknown: 0 };
  let rows = 0, unmapped = 0;
  let first: string | undefined, last: string | undefined;
  const findings = new FindingsTally();
  for (const r of selectEvidence(src, scope)) {
    const m = src.rowMatches(r);
    rows++;
    findings.add(m);
    if (first === undefined || m.observedAt < first) first = m.observedAt;
    if (last === undefined || m.lastSeenAt > last) last = m.lastSeenAt;
    byStatus[m.status as keyof typeof byStatus]++;
    if (!m.controls.length) unmapped++;
    for (const id of m.controls) {
      const a = acc.get(id);
      if (!a) continue;
      a.n++;
      a.present.add(m.type);
      if (m.status === 'fail') a.fail++;
      if (m.status === 'unknown') a.unknown++;
      if (m.status !== 'pass') a.bad.add(m.type);
    }
  }
  return {
    rows, byStatus, unmapped, firstObservedAt: first, lastSeenAt: last, findings: findings.result(src.subscriptionNames()),
    controls: controls.map((c) => {
      const a = acc.get(c.id)!;
      const present = c.expectedTypes.filter((t) => a.present.has(t));
      const passing = present.filter((t) => !a.bad.has(t));
      const percent = c.expectedTypes.length ? Math.round((passing.length / c.expectedTypes.length) * 100) : 0;
      const satisfied = c.expectedTypes.length > 0 && passing.length === c.expectedTypes.length && a.fail === 0 && a.unknown === 0;
      return {
        ...c, evidenceCount: a.n, failing: a.fail, unknown: a.unknown, presentTypes: present, passingTypes: passing, percent,
        status: satisfied ? 'satisfied' : 'not-satisfied',
      };
    }),
  };
}

/** Runs of the scoped connections that overlap the period. */
export function* selectRuns(src: ExportSource, scope: ExportScope): Iterable<ExportRun> {
  const conns = new Set(scope.connections.map((c) => c.id));
  for (const r of src.runs()) {
    if (!conns.has(r.connectionId)) continue;
    if (scope.to && r.startedAt > scope.to) continue;
    if (scope.from && (r.endedAt ?? r.startedAt) < scope.from) continue;
    yield r;
  }
}

/** A row of another connection, kept in the slice by its hashes only, so the chain still verifies. */
export interface OmittedAuditRow { seq?: number; at: string; omitted: true; prevHash: string; hash: string }

export interface AuditSlice {
  /** Index in the store's log of the first row in the slice. */
  start: number;
  /** Rows in the store's log when exported, and the hash of its last row. */
  logLength: number;
  anchor?: { count: number; headHash: string };
  rows: (ExportAuditRow | OmittedAuditRow)[];
}

/**
 * The contiguous run of audit rows inside the period. A chain can only be checked without gaps, so rows of
 * connections outside the scope stay in place as hashes, never with their details.
 */
export function auditSlice(src: ExportSource, scope: ExportScope): AuditSlice {
  const log = src.audit();
  const conns = new Set(scope.connections.map((c) => c.id));
  let start = log.length, end = -1;
  for (let i = 0; i < log.length; i++) {
    const at = log[i].at;
    if ((scope.from && at < scope.from) || (scope.to && at > scope.to)) continue;
    if (i < start) start = i;
    end = i;
  }
  const rows: AuditSlice['rows'] = [];
  for (let i = start; i <= end; i++) {
    const r = log[i];
    const inScope = r.connectionId === undefined || conns.has(r.connectionId);
    rows.push(inScope ? r : { seq: r.seq, at: r.at, omitted: true, prevHash: r.prevHash, hash: auditHash(r) });
  }
  return { start: end < 0 ? 0 : start, logLength: log.length, anchor: src.auditAnchor(), rows };
}
