/**
 * Control coverage: for each control of a framework, which expected evidence types are present, fresh and passing.
 * Only the latest observation of each subject counts (rows no longer seen in the connection's last successful sync
 * are history), and evidence of a connection that has not synced successfully within the stale threshold is not
 * fresh: the controls it supports turn "stale" until the next good sync.
 */
import type { ControlCoverage, ControlEvidenceSummary } from '../protocol';
import type { ConnectionRecord, EvidenceRecord } from '../store/schema';
import { DEFAULT_FRAMEWORK } from './catalog';
import { controlsForType, controlsOf, typeTitle } from './controls';

/** Two days: a daily sync may slip once before coverage is called stale. */
export const DEFAULT_STALE_AFTER_MS = 2 * 24 * 3600 * 1000;

export interface CoverageOptions {
  framework?: string;
  /** Connections whose evidence is not fresh (see staleConnections). */
  stale?: ReadonlySet<string>;
}

/** The rows that describe the current state: per connection, those seen in its latest successful sync. */
export function currentEvidence(rows: EvidenceRecord[], lastSyncAt: Map<string, string | undefined>): EvidenceRecord[] {
  return rows.filter((r) => {
    const last = lastSyncAt.get(r.connectionId);
    return last !== undefined && r.lastSeenAt === last;
  });
}

/**
 * Milliseconds from `now` until the next live connection turns stale, or undefined when none will (all are stale
 * already, revoked, or never synced). The daemon wakes then to tell clients, since nothing else changes at that moment.
 */
export function msUntilNextStale(connections: ConnectionRecord[], now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): number | undefined {
  let next: number | undefined;
  for (const c of connections) {
    if (c.deletedAt || !c.lastSyncAt) continue;
    const wait = Date.parse(c.lastSyncAt) + staleAfterMs - now.getTime();
    if (wait >= 0 && (next === undefined || wait < next)) next = wait;
  }
  return next;
}

/** Live (not revoked) connections without a successful sync in the last `staleAfterMs` at `now`. */
export function staleConnections(connections: ConnectionRecord[], now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): Set<string> {
  const out = new Set<string>();
  for (const c of connections) {
    if (c.deletedAt) continue;
    if (!c.lastSyncAt || now.getTime() - Date.parse(c.lastSyncAt) > staleAfterMs) out.add(c.id);
  }
  return out;
}

/** The controls a row supports in a framework: SOC 2 as stored on the row, others from the catalog by type. */
export function rowControls(r: EvidenceRecord, framework = DEFAULT_FRAMEWORK): string[] {
  return framework === DEFAULT_FRAMEWORK ? r.controls : controlsForType(r.type, framework);
}

/** Coverage per control of `options.framework` (default SOC 2) over current rows. */
export function computeCoverage(rows: EvidenceRecord[], options: CoverageOptions = {}): ControlCoverage[] {
  const framework = options.framework ?? DEFAULT_FRAMEWORK;
  const stale = options.stale ?? new Set<string>();
  return controlsOf(framework).map((c) => {
    const mine = rows.filter((r) => rowControls(r, framework).includes(c.id));
    const present = c.expects.filter((t) => mine.some((r) => r.type === t));
    const fresh = present.filter((t) => !mine.some((r) => r.type === t && stale.has(r.connectionId)));
    // A type passes only when every current row of it passes: an unknown row is never counted as passing.
    const passing = fresh.filter((t) => mine.every((r) => r.type !== t || r.status === 'pass'));
    const failingCount = mine.filter((r) => r.status === 'fail').length;
    const unknownCount = mine.filter((r) => r.status === 'unknown').length;
    const staleFrom = [...new Set(mine.filter((r) => stale.has(r.connectionId)).map((r) => r.connectionId))];
    const percent = c.expects.length ? Math.round((passing.length / c.expects.length) * 100) : 0;
    const state: ControlCoverage['state'] =
      present.length === 0 ? 'none'
        : staleFrom.length > 0 ? 'stale'
          : failingCount > 0 && passing.length === 0 ? 'failing'
            : passing.length === c.expects.length ? 'covered' : 'partial';
    return {
      control: c.id, title: c.title, description: c.description, expectedTypes: c.expects, presentTypes: present,
      freshTypes: fresh, passingTypes: passing, evidenceCount: mine.length, failingCount, unknownCount, percent, state,
      framework, staleConnections: staleFrom,
    };
  });
}

/** Evidence counts by control, then type, for the Evidence view. */
export function summarizeEvidence(rows: EvidenceRecord[], framework = DEFAULT_FRAMEWORK): ControlEvidenceSummary[] {
  return controlsOf(framework).map((c) => {
    const mine = rows.filter((r) => rowControls(r, framework).includes(c.id));
    const types = [...new Set(mine.map((r) => r.type))].sort().map((type) => {
      const of = mine.filter((r) => r.type === type);
      return { type, title: typeTitle(type), count: of.length, failing: of.filter((r) => r.status === 'fail').length, unknown: of.filter((r) => r.status === 'unknown').length };
    });
    return { control: c.id, title: c.title, types };
  }).filter((c) => c.types.length > 0);
}
