/**
 * Control coverage: for each control, which expected evidence types are present and which pass. Only the latest
 * observation of each subject counts (rows no longer seen in the connection's last successful sync are history).
 */
import type { ControlCoverage, ControlEvidenceSummary } from '../protocol';
import type { EvidenceRecord } from '../store/schema';
import { CONTROLS, typeTitle } from './controls';

/** The rows that describe the current state: per connection, those seen in its latest successful sync. */
export function currentEvidence(rows: EvidenceRecord[], lastSyncAt: Map<string, string | undefined>): EvidenceRecord[] {
  return rows.filter((r) => {
    const last = lastSyncAt.get(r.connectionId);
    return last !== undefined && r.lastSeenAt === last;
  });
}

export function computeCoverage(rows: EvidenceRecord[]): ControlCoverage[] {
  return CONTROLS.map((c) => {
    const mine = rows.filter((r) => r.controls.includes(c.id));
    const present = c.expects.filter((t) => mine.some((r) => r.type === t));
    const passing = present.filter((t) => !mine.some((r) => r.type === t && r.status === 'fail'));
    const failingCount = mine.filter((r) => r.status === 'fail').length;
    const percent = c.expects.length ? Math.round((passing.length / c.expects.length) * 100) : 0;
    const state: ControlCoverage['state'] =
      present.length === 0 ? 'none'
        : failingCount > 0 && passing.length === 0 ? 'failing'
          : passing.length === c.expects.length ? 'covered' : 'partial';
    return {
      control: c.id, title: c.title, description: c.description, expectedTypes: c.expects,
      presentTypes: present, passingTypes: passing, evidenceCount: mine.length, failingCount, percent, state,
    };
  });
}

export function summarizeEvidence(rows: EvidenceRecord[]): ControlEvidenceSummary[] {
  return CONTROLS.map((c) => {
    const mine = rows.filter((r) => r.controls.includes(c.id));
    const types = [...new Set(mine.map((r) => r.type))].sort().map((type) => {
      const of = mine.filter((r) => r.type === type);
      return { type, title: typeTitle(type), count: of.length, failing: of.filter((r) => r.status === 'fail').length, unknown: of.filter((r) => r.status === 'unknown').length };
    });
    return { control: c.id, title: c.title, types };
  }).filter((c) => c.types.length > 0);
}
