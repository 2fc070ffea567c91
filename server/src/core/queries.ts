/** Read-only views of the store for the trees, the CLI and exports. */
import type { ControlCoverage, ControlEvidenceSummary, EvidenceRowView, EvidenceRowsParams } from '../protocol';
import { computeCoverage, currentEvidence, summarizeEvidence } from '../evidence/coverage';
import { evidenceLabel } from '../evidence/evidence';
import type { EvidenceRecord, StoreData } from '../store/schema';

function current(data: StoreData, connectionId?: string): EvidenceRecord[] {
  const last = new Map(data.connections.map((c) => [c.id, c.lastSyncAt]));
  const rows = currentEvidence(data.evidence, last);
  return connectionId ? rows.filter((r) => r.connectionId === connectionId) : rows;
}

export function evidenceSummary(data: StoreData, connectionId?: string): ControlEvidenceSummary[] {
  return summarizeEvidence(current(data, connectionId));
}

export function coverage(data: StoreData, connectionId?: string): ControlCoverage[] {
  return computeCoverage(current(data, connectionId));
}

export function evidenceRows(data: StoreData, p: EvidenceRowsParams): EvidenceRowView[] {
  const order = { fail: 0, unknown: 1, pass: 2 } as const;
  return current(data, p.connectionId)
    .filter((r) => r.type === p.type && r.controls.includes(p.control))
    .sort((a, b) => order[a.status] - order[b.status] || evidenceLabel(a).localeCompare(evidenceLabel(b)))
    .slice(0, p.limit ?? 500)
    .map(toRowView);
}

function toRowView(r: EvidenceRecord): EvidenceRowView {
  return {
    id: r.id, connectionId: r.connectionId, tenantId: r.tenantId, subscriptionId: r.subscriptionId, type: r.type,
    subject: r.subject, label: evidenceLabel(r), status: r.status, reason: r.reason, observedAt: r.observedAt,
    lastSeenAt: r.lastSeenAt, controls: r.controls,
  };
}

/** Current failing evidence, most recent first: what the user should look at. */
export function findings(data: StoreData, connectionId?: string): EvidenceRowView[] {
  return current(data, connectionId)
    .filter((r) => r.status === 'fail')
    .map(toRowView);
}
