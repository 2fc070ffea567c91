/**
 * Retention of revoked connections: after `retentionDays` a revoked connection is removed with its runs, inventory
 * and evidence. Audit rows stay: the log is append-only and its hash chain must keep verifying; a 'prune' row
 * records what was removed.
 */
import type { Inventory } from '../store/schema';
import type { Store } from '../store/store';
import { appendAudit } from './audit';

const DAY_MS = 86_400_000;

/** Prunes revoked connections whose retention ended before `now`; returns their ids. */
export async function pruneRevoked(store: Store, now: Date, retentionDays: number): Promise<string[]> {
  const expired = (deletedAt: string | undefined) => deletedAt !== undefined && Date.parse(deletedAt) + retentionDays * DAY_MS <= now.getTime();
  if (!store.data.connections.some((c) => expired(c.deletedAt))) return [];
  return store.update((d) => {
    const gone = d.connections.filter((c) => expired(c.deletedAt));
    const ids = new Set(gone.map((c) => c.id));
    const keep = <T extends { connectionId: string }>(rows: T[]) => rows.filter((r) => !ids.has(r.connectionId));
    d.connections = d.connections.filter((c) => !ids.has(c.id));
    d.runs = keep(d.runs);
    d.evidence = keep(d.evidence);
    for (const key of Object.keys(d.inventory) as (keyof Inventory)[]) {
      (d.inventory as unknown as Record<string, unknown[]>)[key] = keep(d.inventory[key] as { connectionId: string }[]);
    }
    for (const c of gone) {
      appendAudit(d, now, 'prune', c.id, { name: c.name, deletedAt: c.deletedAt, retentionDays });
    }
    return [...ids];
  });
}
