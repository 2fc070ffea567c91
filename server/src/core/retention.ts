/**
 * Retention of revoked connections: after `retentionDays` a revoked connection is removed with its runs, inventory
 * and evidence. Audit rows stay: the log is append-only and its hash chain must keep verifying; a 'prune' row
 * records what was removed.
 */
import type { Inventory } from '../store/schema';
import type { Store } from '../store/store';
import { appendAudit } from './audit';
import { frozenEvidenceIds } from '../evidence/assessments';

const DAY_MS = 86_400_000;

/**
 * Prunes revoked connections whose retention ended before `now`; returns their ids. Evidence attached to an approved
 * assessment is never pruned: such a connection keeps its record (marked prunedAt) and its approved rows, and loses
 * the rest.
 */
export async function pruneRevoked(store: Store, now: Date, retentionDays: number): Promise<string[]> {
  const expired = (c: { deletedAt?: string; prunedAt?: string }) =>
    c.deletedAt !== undefined && !c.prunedAt && Date.parse(c.deletedAt) + retentionDays * DAY_MS <= now.getTime();
  const expiring = store.data.connections.filter(expired).map((c) => c.id);
  if (!expiring.length) return [];
  return store.update((d) => {
    const gone = d.connections.filter(expired);
    const ids = new Set(gone.map((c) => c.id));
    const frozen = frozenEvidenceIds(d);
    const pinned = new Map<string, number>();
    for (const r of d.evidence) if (ids.has(r.connectionId) && frozen.has(r.id)) pinned.set(r.connectionId, (pinned.get(r.connectionId) ?? 0) + 1);
    const keep = <T extends { connectionId: string }>(rows: T[]) => rows.filter((r) => !ids.has(r.connectionId));
    d.connections = d.connections.filter((c) => !ids.has(c.id) || pinned.has(c.id));
    for (const c of d.connections) if (pinned.has(c.id)) c.prunedAt = now.toISOString();
    d.runs = keep(d.runs);
    d.evidence = d.evidence.filter((r) => !ids.has(r.connectionId) || frozen.has(r.id));
    d.assets = keep(d.assets ?? []);
    for (const key of Object.keys(d.inventory) as (keyof Inventory)[]) {
      (d.inventory as unknown as Record<string, unknown[]>)[key] = keep(d.inventory[key] as { connectionId: string }[]);
    }
    for (const c of gone) {
      const kept = pinned.get(c.id);
      appendAudit(d, now, 'prune', c.id, { name: c.name, deletedAt: c.deletedAt, retentionDays, ...(kept ? { keptApprovedEvidence: kept } : {}) });
    }
    return [...ids];
  }, { rows: expiring });
}
