/**
 * Confirmed asset changes and the grace period of new assets. Public IPs, storage accounts and key vaults are
 * tracked across scans in the store's asset ledger: an asset counts as added (or removed) only when scans on two
 * different days agree, so several scans in one day never confirm a change, and an asset that flickers in one scan
 * and out the next is no change at all. A newly added asset's failing evidence does not lower coverage until it is
 * older than the grace period: the team gets time to fix what it just created.
 */
import type { AssetKind, AssetRecord, EvidenceRecord, Inventory } from '../store/schema';

const DAY_MS = 86_400_000;

export const ASSET_TYPES: readonly AssetKind[] = ['public-ip', 'storage-account', 'key-vault'];

/** The tracked assets of an inventory, by lower-case id. */
export function assetsOf(inv: Pick<Inventory, 'publicIps' | 'storageAccounts' | 'keyVaults'>): Map<string, AssetKind> {
  const out = new Map<string, AssetKind>();
  for (const r of inv.publicIps) out.set(r.id.toLowerCase(), 'public-ip');
  for (const r of inv.storageAccounts) out.set(r.id.toLowerCase(), 'storage-account');
  for (const r of inv.keyVaults) out.set(r.id.toLowerCase(), 'key-vault');
  return out;
}

export interface AssetChanges { added: string[]; removed: string[] }

/** The UTC day of an ISO instant: scans the same day are one daily scan. */
function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Applies one successful scan of a connection to the ledger (in place) and returns the changes it confirmed.
 * `baseline`: the connection's first successful sync; what it sees is present from the start, not "added".
 */
export function trackAssets(
  ledger: AssetRecord[], seen: Map<string, AssetKind>,
  owner: { connectionId: string; tenantId: string; at: string; baseline: boolean },
): AssetChanges {
  const { connectionId, tenantId, at } = owner;
  const changes: AssetChanges = { added: [], removed: [] };
  const later = (since: string | undefined) => since !== undefined && day(at) > day(since);
  const known = new Set<string>();
  const drop = new Set<AssetRecord>();
  for (const a of ledger) {
    if (a.connectionId !== connectionId) continue;
    known.add(a.id);
    if (seen.has(a.id)) {
      a.lastSeenAt = at;
      if (a.state === 'pending-add' && later(a.pendingSince)) {
        Object.assign(a, { state: 'present', addedAt: at, pendingSince: undefined });
        changes.added.push(a.id);
      } else if (a.state === 'pending-remove') {
        Object.assign(a, { state: 'present', pendingSince: undefined });
      } else if (a.state === 'removed') {
        // Back after a confirmed removal: a new asset again, with its own confirmation and grace period.
        Object.assign(a, { state: 'pending-add', pendingSince: at, firstSeenAt: at, addedAt: undefined, removedAt: undefined });
      }
    } else if (a.state === 'present') {
      Object.assign(a, { state: 'pending-remove', pendingSince: at });
    } else if (a.state === 'pending-remove' && later(a.pendingSince)) {
      Object.assign(a, { state: 'removed', removedAt: at, pendingSince: undefined });
      changes.removed.push(a.id);
    } else if (a.state === 'pending-add') {
      // Seen once, gone at the next scan: the scans disagree, so nothing was added.
      drop.add(a);
    }
  }
  if (drop.size) {
    const kept = ledger.filter((a) => !drop.has(a));
    ledger.length = 0;
    ledger.push(...kept);
  }
  for (const [id, kind] of seen) {
    if (known.has(id)) continue;
    ledger.push(owner.baseline
      ? { connectionId, tenantId, id, kind, state: 'present', firstSeenAt: at, lastSeenAt: at }
      : { connectionId, tenantId, id, kind, state: 'pending-add', firstSeenAt: at, lastSeenAt: at, pendingSince: at });
  }
  return changes;
}

/** Ids (lower case) of assets still in their grace period at `now`: added, or pending addition, under `graceDays` ago. */
export function assetsInGrace(ledger: AssetRecord[], now: Date, graceDays: number): Set<string> {
  const out = new Set<string>();
  if (!(graceDays > 0)) return out;
  for (const a of ledger) {
    const isNew = a.state === 'pending-add' || (a.state === 'present' && a.addedAt !== undefined);
    if (isNew && now.getTime() - Date.parse(a.firstSeenAt) < graceDays * DAY_MS) out.add(a.id);
  }
  return out;
}

const VAULT_CHILD = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.keyvault\/vaults\/[^/]+)\//;

/**
 * A predicate telling whether an evidence row describes an asset in its grace period: the asset's own row, or a key
 * or secret of a vault in grace.
 */
export function graceMatcher(inGrace: ReadonlySet<string>): ((r: EvidenceRecord) => boolean) | undefined {
  if (!inGrace.size) return undefined;
  return (r) => {
    if (r.type === 'key-vault-key' || r.type === 'key-vault-secret') {
      const m = VAULT_CHILD.exec(r.subject.toLowerCase());
      return !!m && inGrace.has(m[1]);
    }
    return (ASSET_TYPES as readonly string[]).includes(r.type) && inGrace.has(r.subject.toLowerCase());
  };
}
