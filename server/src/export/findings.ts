/**
 * Findings (failing evidence rows) by severity and by subscription, for the dashboard and the bundle's index.html.
 * The severity is the grade's (evidence/grade.ts severityOf: one table for grades, the dashboard and exports).
 */
import { type Severity, severityOf } from '../evidence/grade';

export type SeverityCounts = Record<Severity, number>;

export interface FindingsBreakdown {
  bySeverity: SeverityCounts;
  /** Most severe first: by high, then medium, then low count, then name. Tenant-wide rows have subscriptionId ''. */
  bySubscription: ({ subscriptionId: string; name: string } & SeverityCounts)[];
}

const zero = (): SeverityCounts => ({ high: 0, medium: 0, low: 0 });

/** Counters only: add each row of a pass over the evidence, then read the breakdown. */
export class FindingsTally {
  private readonly bySeverity = zero();
  private readonly bySubscription = new Map<string, SeverityCounts>();

  /** Counts the row when it fails (a finding); passing and unknown rows are not findings. */
  add(r: { status: string; type: string; reason?: string; subscriptionId?: string }): void {
    if (r.status !== 'fail') return;
    const severity = severityOf(r);
    this.bySeverity[severity]++;
    const key = r.subscriptionId ?? '';
    let s = this.bySubscription.get(key);
    if (!s) this.bySubscription.set(key, s = zero());
    s[severity]++;
  }

  /** The breakdown, subscriptions named by `names` (id → display name; the id when unknown). */
  result(names: ReadonlyMap<string, string>): FindingsBreakdown {
    const bySubscription = [...this.bySubscription].map(([id, c]) => ({ subscriptionId: id, name: id ? names.get(id) ?? id : '(tenant-wide)', ...c }))
      .sort((a, b) => b.high - a.high || b.medium - a.medium || b.low - a.low || a.name.localeCompare(b.name));
    return { bySeverity: { ...this.bySeverity }, bySubscription };
  }
}
