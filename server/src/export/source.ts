/**
 * The one place the exporter touches the store's shapes. The evidence engine owns StoreData, EvidenceRecord,
 * AuditRecord and RunRecord and changes them; every format module reads only the export shapes below, so a change
 * to the store means a change here and nowhere else in server/src/export.
 *
 * Nothing here copies the store: rows are mapped one at a time as the formats iterate the store's own arrays.
 */
import { auditRowHash } from '../core/audit';
import { rowControls } from '../evidence/coverage';
import { controlsOf } from '../evidence/controls';
import { evidenceLabel } from '../evidence/evidence';
import type { CoveragePoint } from '../protocol';
import type { AuditRecord, ConnectionRecord, EvidenceRecord, RunRecord, StoreData } from '../store/schema';
import { coverageHistory, HISTORY_POINTS } from './dashboard';

/** One evidence row as every export format writes it (documented in docs/export.md and schema.json). */
export interface ExportEvidenceRow {
  id: string;
  connectionId: string;
  connectionName: string;
  tenantId: string;
  subscriptionId?: string;
  type: string;
  subject: string;
  label: string;
  status: 'pass' | 'fail' | 'unknown';
  reason?: string;
  /** The row's controls in the export's framework. */
  controls: string[];
  observedAt: string;
  lastSeenAt: string;
  fingerprint: string;
  runId: string;
  data: Record<string, unknown>;
}

export interface ExportControl { id: string; title: string; description: string; expectedTypes: string[] }

export interface ExportConnection { id: string; name: string; tenantId: string; revoked: boolean }

export interface ExportRun {
  id: string; connectionId: string; startedAt: string; endedAt?: string; status: string;
  counts: Record<string, number | undefined>; error?: string; errorCode?: string;
}

/** An assessment, if the store has them: a named set of controls and connections over a period. */
export interface ExportAssessment { id: string; name: string; controls?: string[]; connections?: string[]; from?: string; to?: string }

/** A store evidence row, opaque to the formats: they pass it to `toRow` or `rowMatches`. */
export type StoreEvidence = EvidenceRecord;

/** An audit row in a bundle; the store's row verbatim, so its hash can be recomputed by `auditHash`. */
export type ExportAuditRow = AuditRecord;

/** The store as the exporter sees it: arrays to iterate, lookups, and the audit log's own hashing. */
export interface ExportSource {
  evidence(): Iterable<EvidenceRecord>;
  toRow(r: EvidenceRecord): ExportEvidenceRow;
  rowMatches(r: EvidenceRecord): {
    connectionId: string; fingerprint: string; observedAt: string; lastSeenAt: string; controls: string[]; type: string; status: string;
    subscriptionId?: string; reason?: string;
  };
  connections(): ExportConnection[];
  controls(): ExportControl[];
  runs(): Iterable<ExportRun>;
  audit(): readonly ExportAuditRow[];
  auditAnchor(): { count: number; headHash: string } | undefined;
  assessments(): ExportAssessment[];
  /** Subscription id → display name, from the synced inventory. */
  subscriptionNames(): ReadonlyMap<string, string>;
  /** Coverage after each successful run of these connections that ended within the period (dashboard.ts). */
  coverageHistory(connections: string[], from?: string, to?: string): CoveragePoint[];
}

/** The hash of an audit row as the store's chain computes it (the next row's prevHash). */
export function auditHash(row: ExportAuditRow): string {
  return auditRowHash(row);
}

/** Adapts the live StoreData (read-only) for export in `framework` (default SOC 2). */
export function storeSource(data: StoreData, framework?: string): ExportSource {
  const names = new Map<string, ConnectionRecord>(data.connections.map((c) => [c.id, c]));
  return {
    evidence: () => data.evidence,
    toRow: (r) => ({
      id: r.id, connectionId: r.connectionId, connectionName: names.get(r.connectionId)?.name ?? r.connectionId,
      tenantId: r.tenantId, subscriptionId: r.subscriptionId, type: r.type, subject: r.subject, label: evidenceLabel(r),
      status: r.status, reason: r.reason, controls: rowControls(r, framework), observedAt: r.observedAt,
      lastSeenAt: r.lastSeenAt, fingerprint: r.fingerprint, runId: r.runId, data: r.data,
    }),
    rowMatches: (r) => ({
      connectionId: r.connectionId, fingerprint: r.fingerprint, observedAt: r.observedAt, lastSeenAt: r.lastSeenAt,
      controls: rowControls(r, framework), type: r.type, status: r.status, subscriptionId: r.subscriptionId, reason: r.reason,
    }),
    connections: () => data.connections.map((c) => ({ id: c.id, name: c.name, tenantId: c.tenantId, revoked: !!c.deletedAt })),
    controls: () => controlsOf(framework).map((c) => ({ id: c.id, title: c.title, description: c.description, expectedTypes: c.expects })),
    runs: () => mapIter(data.runs, toRun),
    audit: () => data.audit,
    auditAnchor: () => data.meta?.auditAnchor,
    // No assessment table exists yet; read one defensively if a later schema adds `assessments`.
    assessments: () => readAssessments((data as unknown as { assessments?: unknown }).assessments),
    subscriptionNames: () => new Map(data.inventory.subscriptions.map((s) => [s.subscriptionId, s.name])),
    coverageHistory: (connections, from, to) => coverageHistory(data, framework, HISTORY_POINTS, { connections, from, to }),
  };
}

function toRun(r: RunRecord): ExportRun {
  return {
    id: r.id, connectionId: r.connectionId, startedAt: r.startedAt, endedAt: r.endedAt, status: r.status,
    counts: { ...r.counts }, error: r.error, errorCode: r.errorCode,
  };
}

function* mapIter<T, U>(items: Iterable<T>, f: (t: T) => U): Iterable<U> {
  for (const t of items) yield f(t);
}

function readAssessments(raw: unknown): ExportAssessment[] {
  if (!Array.isArray(raw)) return [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  return raw.filter((a): a is Record<string, unknown> => !!a && typeof a === 'object' && typeof (a as { id?: unknown }).id === 'string')
    .map((a) => ({
      id: a.id as string, name: str(a.name) ?? str(a.title) ?? (a.id as string), controls: strs(a.controls),
      connections: strs(a.connections) ?? strs(a.connectionIds), from: str(a.from) ?? str(a.periodStart), to: str(a.to) ?? str(a.periodEnd),
    }));
}
