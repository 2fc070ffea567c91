/**
 * The dashboard's figures (`rampart/dashboard`), computed from the store: coverage per control now, coverage after
 * each successful sync run (from the run history and the rows' observedAt/lastSeenAt), current evidence by status,
 * subscription and type, findings by severity and subscription, and the stale connections. Live connections only, as
 * in the views.
 */
import type { CoveragePoint, DashboardData } from '../protocol';
import { computeCoverage, currentEvidence, staleConnections } from '../evidence/coverage';
import type { EvidenceRecord, StoreData } from '../store/schema';
import { FindingsTally } from './findings';

/** At most this many points of coverage over time (the most recent runs); older ones are dropped. */
export const HISTORY_POINTS = 60;

export interface DashboardOptions { framework?: string; now: Date; staleAfterMs: number }

export function dashboardData(data: StoreData, o: DashboardOptions): DashboardData {
  const framework = o.framework ?? 'soc2';
  const live = data.connections.filter((c) => !c.deletedAt);
  const stale = staleConnections(data.connections, o.now, o.staleAfterMs);
  const rows = currentEvidence(data.evidence, new Map(live.map((c) => [c.id, c.lastSyncAt])));
  const coverage = computeCoverage(rows, { framework, stale });

  const byStatus = { pass: 0, fail: 0, unknown: 0 };
  const subs = new Map<string, { pass: number; fail: number; unknown: number }>();
  const types = new Map<string, { fail: number; unknown: number }>();
  const findings = new FindingsTally();
  for (const r of rows) {
    byStatus[r.status]++;
    findings.add(r);
    const key = r.subscriptionId ?? '';
    const s = subs.get(key) ?? { pass: 0, fail: 0, unknown: 0 };
    s[r.status]++;
    subs.set(key, s);
    if (r.status !== 'pass') {
      const t = types.get(r.type) ?? { fail: 0, unknown: 0 };
      t[r.status]++;
      types.set(r.type, t);
    }
  }
  const subName = new Map(data.inventory.subscriptions.map((s) => [s.subscriptionId, s.name]));
  return {
    framework,
    generatedAt: o.now.toISOString(),
    controls: coverage.map((c) => ({
      id: c.control, title: c.title, percent: c.percent, state: c.state, evidenceCount: c.evidenceCount, failing: c.failingCount, unknown: c.unknownCount,
    })),
    history: coverageHistory(data, framework),
    byStatus,
    bySubscription: [...subs].map(([id, c]) => ({ subscriptionId: id, name: id ? subName.get(id) ?? id : '(tenant-wide)', ...c }))
      .sort((a, b) => b.fail - a.fail || b.unknown - a.unknown || a.name.localeCompare(b.name)),
    failingByType: [...types].map(([type, c]) => ({ type, ...c })).sort((a, b) => b.fail - a.fail || b.unknown - a.unknown || a.type.localeCompare(b.type)),
    staleConnections: live.filter((c) => stale.has(c.id)).map((c) => ({ id: c.id, name: c.name, lastSyncAt: c.lastSyncAt })),
    findings: findings.result(subName),
  };
}

/**
 * Coverage after each successful run, oldest first: the state then is, per live connection, the rows seen by its
 * latest successful run up to that moment (a row seen at time T has observedAt <= T <= lastSeenAt, since a
 * succeeded run stamps the rows it sees with its endedAt). percentCovered: controls fully covered; meanPercent:
 * the mean of the per-control percentages. Staleness is not judged in the past. `only` narrows to some connections
 * (default: the live ones) and to runs that ended within a period (an export's scope).
 */
export function coverageHistory(
  data: StoreData, framework = 'soc2', limit = HISTORY_POINTS, only: { connections?: Iterable<string>; from?: string; to?: string } = {},
): CoveragePoint[] {
  const live = new Set(only.connections ?? data.connections.filter((c) => !c.deletedAt).map((c) => c.id));
  const inPeriod = (at: string) => (!only.from || at >= only.from) && (!only.to || at <= only.to);
  // Every run of the connections feeds the state: at the first run of the period, a connection last synced just
  // before it still counts with what that earlier run saw. Only runs that ended within the period become points.
  const runs = data.runs.filter((r) => r.status === 'succeeded' && r.endedAt && live.has(r.connectionId))
    .sort((a, b) => (a.endedAt! < b.endedAt! ? -1 : a.endedAt! > b.endedAt! ? 1 : 0));
  const byConnection = new Map<string, EvidenceRecord[]>();
  for (const r of data.evidence) {
    if (!live.has(r.connectionId)) continue;
    const list = byConnection.get(r.connectionId) ?? [];
    list.push(r);
    byConnection.set(r.connectionId, list);
  }
  const latest = new Map<string, string>();
  const points: CoveragePoint[] = [];
  let skip = Math.max(0, runs.filter((r) => inPeriod(r.endedAt!)).length - limit);
  for (const run of runs) {
    if (only.to && run.endedAt! > only.to) break;
    latest.set(run.connectionId, run.endedAt!);
    if (!inPeriod(run.endedAt!) || skip-- > 0) continue;
    const rows: EvidenceRecord[] = [];
    for (const [conn, at] of latest) {
      for (const r of byConnection.get(conn) ?? []) if (r.observedAt <= at && r.lastSeenAt >= at) rows.push(r);
    }
    const cov = computeCoverage(rows, { framework });
    const covered = cov.filter((c) => c.state === 'covered').length;
    points.push({
      at: run.endedAt!, runId: run.id, connectionId: run.connectionId, covered, controls: cov.length,
      percentCovered: cov.length ? Math.round((covered / cov.length) * 100) : 0,
      meanPercent: cov.length ? Math.round(cov.reduce((a, c) => a + c.percent, 0) / cov.length) : 0,
    });
  }
  return points;
}
