/**
 * Read-only views of the store for the trees, the CLI and exports. Queries cover live connections only, one or all;
 * a revoked connection's history is returned only when that connection is asked for by id, flagged `revoked`.
 */
import type { ControlCoverage, ControlEvidenceSummary, EvidenceRowView, EvidenceRowsParams } from '../protocol';
import { DEFAULT_STALE_AFTER_MS, computeCoverage, currentEvidence, rowControls, staleConnections, summarizeEvidence } from '../evidence/coverage';
import { evidenceLabel } from '../evidence/evidence';
import { assetsInGrace, graceMatcher } from '../evidence/assets';
import type { EvidenceRecord, StoreData } from '../store/schema';

export interface QueryOptions {
  connectionId?: string;
  framework?: string;
  /** For staleness: the time now and the threshold. */
  now?: Date;
  staleAfterMs?: number;
  /** Grace period of newly added assets, in days (default 60). */
  gracePeriodDays?: number;
  /** Evidence summary: count revoked connections' rows too (history). */
  includeRevoked?: boolean;
}

/** Current rows of live connections (or the one named); `includeRevoked`: of revoked ones in retention too. */
function current(data: StoreData, connectionId?: string, includeRevoked = false): EvidenceRecord[] {
  const named = connectionId !== undefined;
  const shown = (c: StoreData['connections'][number]) => !c.deletedAt || c.id === connectionId || (includeRevoked && !c.prunedAt);
  const last = new Map(data.connections.filter(shown).map((c) => [c.id, c.lastSyncAt]));
  const rows = currentEvidence(data.evidence, last);
  return named ? rows.filter((r) => r.connectionId === connectionId) : rows;
}

function revokedIds(data: StoreData): Set<string> {
  return new Set(data.connections.filter((c) => c.deletedAt).map((c) => c.id));
}

/** Evidence counts by control and type. */
export function evidenceSummary(data: StoreData, o: QueryOptions = {}): ControlEvidenceSummary[] {
  return summarizeEvidence(current(data, o.connectionId, o.includeRevoked), o.framework, revokedIds(data));
}

/** Coverage per control, with staleness judged at `o.now` against `o.staleAfterMs`. */
export function coverage(data: StoreData, o: QueryOptions = {}): ControlCoverage[] {
  const stale = staleConnections(data.connections, o.now ?? new Date(), o.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);

  const now = o.now ?? new Date();
  const inGrace = graceMatcher(assetsInGrace(data.assets ?? [], now, o.gracePeriodDays ?? 60));
  return computeCoverage(current(data, o.connectionId), { framework: o.framework, stale, inGrace });
}

/** The rows of one control and type, failing first. */
export function evidenceRows(data: StoreData, p: EvidenceRowsParams): EvidenceRowView[] {
  const order = { fail: 0, unknown: 1, pass: 2 } as const;
  const revoked = revokedIds(data);
  const history = (r: EvidenceRecord) => (revoked.has(r.connectionId) ? 1 : 0);
  return current(data, p.connectionId, p.includeRevoked)
    .filter((r) => r.type === p.type && rowControls(r, p.framework).includes(p.control))
    .sort((a, b) => history(a) - history(b) || order[a.status] - order[b.status] || evidenceLabel(a).localeCompare(evidenceLabel(b)))
    .slice(0, p.limit ?? 500)
    .map((r) => toRowView(r, revoked));
}

function toRowView(r: EvidenceRecord, revoked: Set<string>): EvidenceRowView {
  return {
    id: r.id, connectionId: r.connectionId, tenantId: r.tenantId, subscriptionId: r.subscriptionId, type: r.type,
    subject: r.subject, label: evidenceLabel(r), status: r.status, reason: r.reason, observedAt: r.observedAt,
    lastSeenAt: r.lastSeenAt, controls: r.controls, ...(revoked.has(r.connectionId) ? { revoked: true } : {}),
  };
}

/** Current failing evidence: what the user should look at. */
export function findings(data: StoreData, connectionId?: string): EvidenceRowView[] {
  const revoked = revokedIds(data);
  return current(data, connectionId).filter((r) => r.status === 'fail').map((r) => toRowView(r, revoked));
}

/** Current evidence the API could not fully answer for. */
export function unknowns(data: StoreData, connectionId?: string): EvidenceRowView[] {
  const revoked = revokedIds(data);
  return current(data, connectionId).filter((r) => r.status === 'unknown').map((r) => toRowView(r, revoked));
}
