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
  /** Rows of assets in their grace period (assets.ts): their failures do not lower coverage. */
  inGrace?: (r: EvidenceRecord) => boolean;
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

interface TypeTally { rows: number; stale: boolean; notPassing: number }
interface ControlTally { rows: number; failing: number; unknown: number; excused: number; staleFrom: Set<string>; types: Map<string, TypeTally> }

/**
 * Coverage per control of `options.framework` (default SOC 2) over current rows, in one pass over the rows (100,000
 * rows in well under 100 ms): each row is tallied under its controls and type, then each control is judged.
 */
export function computeCoverage(rows: EvidenceRecord[], options: CoverageOptions = {}): ControlCoverage[] {
  const framework = options.framework ?? DEFAULT_FRAMEWORK;
  const stale = options.stale ?? new Set<string>();
  const inGrace = options.inGrace;
  const controls = controlsOf(framework);
  const tallies = new Map<string, ControlTally>(controls.map((c) => [c.id, { rows: 0, failing: 0, unknown: 0, excused: 0, staleFrom: new Set(), types: new Map() }]));
  const byType = new Map<string, string[]>();
  for (const r of rows) {
    let ids: string[] | undefined;
    if (framework === DEFAULT_FRAMEWORK) ids = r.controls;
    else {
      ids = byType.get(r.type);
      if (!ids) byType.set(r.type, (ids = controlsForType(r.type, framework)));
    }
    if (!ids.length) continue;
    const isStale = stale.has(r.connectionId);
    // A failing row of an asset in its grace period is shown but does not count against the control.
    const excused = r.status === 'fail' && inGrace !== undefined && inGrace(r);
    for (const id of ids) {
      const t = tallies.get(id);
      if (!t) continue;
      t.rows++;
      if (r.status === 'unknown') t.unknown++;
      if (excused) t.excused++;
      else if (r.status === 'fail') t.failing++;
      if (isStale) t.staleFrom.add(r.connectionId);
      let tt = t.types.get(r.type);
      if (!tt) t.types.set(r.type, (tt = { rows: 0, stale: false, notPassing: 0 }));
      tt.rows++;
      if (isStale) tt.stale = true;
      if (!excused && r.status !== 'pass') tt.notPassing++;
    }
  }
  return controls.map((c) => {
    const t = tallies.get(c.id)!;
    const present = c.expects.filter((type) => t.types.has(type));
    const fresh = present.filter((type) => !t.types.get(type)!.stale);
    // A type passes only when every current row of it passes: an unknown row is never counted as passing.
    const passing = fresh.filter((type) => t.types.get(type)!.notPassing === 0);
    const staleFrom = [...t.staleFrom];
    const percent = c.expects.length ? Math.round((passing.length / c.expects.length) * 100) : 0;
    const state: ControlCoverage['state'] =
      present.length === 0 ? 'none'
        : staleFrom.length > 0 ? 'stale'
          : t.failing > 0 && passing.length === 0 ? 'failing'
            : passing.length === c.expects.length ? 'covered' : 'partial';
    return {
      control: c.id, title: c.title, description: c.description, expectedTypes: c.expects, presentTypes: present,
      freshTypes: fresh, passingTypes: passing, evidenceCount: t.rows, failingCount: t.failing, unknownCount: t.unknown, percent, state,
      framework, staleConnections: staleFrom, ...(t.excused ? { inGraceCount: t.excused } : {}),
    };
  });
}

/** Evidence counts by control, then type, for the Evidence view. */
export function summarizeEvidence(rows: EvidenceRecord[], framework = DEFAULT_FRAMEWORK, revoked: ReadonlySet<string> = new Set()): ControlEvidenceSummary[] {
  return controlsOf(framework).map((c) => {
    const mine = rows.filter((r) => rowControls(r, framework).includes(c.id));
    const types = [...new Set(mine.map((r) => r.type))].sort().map((type) => {
      const of = mine.filter((r) => r.type === type);
      // A revoked connection's rows are history: counted, but never as failing or unknown posture.
      const live = of.filter((r) => !revoked.has(r.connectionId));
      const history = of.length - live.length;
      return {
        type, title: typeTitle(type), count: of.length, failing: live.filter((r) => r.status === 'fail').length,
        unknown: live.filter((r) => r.status === 'unknown').length, ...(history ? { revoked: history } : {}),
      };
    });
    return { control: c.id, title: c.title, types };
  }).filter((c) => c.types.length > 0);
}
