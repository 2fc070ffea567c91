/**
 * Schema migrations, oldest first. Each takes the data at version `from` and returns it at `from + 1`.
 * A store written by a newer Rampart is refused rather than rewritten, so downgrading never loses data.
 */
import { canonicalJson, sha256 } from '../util/canonical';
import { SCHEMA_VERSION, StoreData, emptyInventory, emptyStore } from './schema';

export class StoreVersionError extends Error {}

interface Migration { from: number; migrate(data: Record<string, unknown>): Record<string, unknown> }

const migrations: Migration[] = [
  // Version 0 is a file without schemaVersion: fill in what is missing from an empty store.
  { from: 0, migrate: (d) => ({ ...emptyStore(), ...d, schemaVersion: 1 }) },
  // 2: posture inventories (secure score, storage, Key Vault, public IPs) and the audit anchor. The anchor starts
  // from the rows as found: earlier tampering cannot be detected by count, but the chain itself still is checked.
  {
    from: 1,
    migrate: (d) => {
      const audit = (d.audit as { prevHash: string }[] | undefined) ?? [];
      const last = audit[audit.length - 1];
      return {
        ...d,
        inventory: { ...emptyInventory(), ...(d.inventory as object | undefined) },
        meta: { ...(d.meta as object | undefined), auditAnchor: { count: audit.length, headHash: last ? sha256(canonicalJson(last)) : '' } },
        schemaVersion: 2,
      };
    },
  },
  // 3: assessments, and the asset ledger for confirmed changes. Assets already in the inventory are the baseline
  // (present, never "newly added"), so the first sync after the upgrade does not put every asset in its grace period.
  {
    from: 2,
    migrate: (d) => {
      const inv = (d.inventory ?? {}) as Record<string, { id: string; connectionId: string; tenantId: string }[] | undefined>;
      const conns = (d.connections as { id: string; lastSyncAt?: string; createdAt?: string }[] | undefined) ?? [];
      const seenAt = new Map(conns.map((c) => [c.id, c.lastSyncAt ?? c.createdAt ?? new Date(0).toISOString()]));
      const assets = (d.assets as unknown[] | undefined) ?? [];
      for (const [table, kind] of [['publicIps', 'public-ip'], ['storageAccounts', 'storage-account'], ['keyVaults', 'key-vault']] as const) {
        for (const r of inv[table] ?? []) {
          const at = seenAt.get(r.connectionId) ?? new Date(0).toISOString();
          assets.push({ connectionId: r.connectionId, tenantId: r.tenantId, id: r.id.toLowerCase(), kind, state: 'present', firstSeenAt: at, lastSeenAt: at });
        }
      }
      return { ...d, assessments: (d.assessments as unknown[] | undefined) ?? [], assets, schemaVersion: 3 };
    },
  },
  // 4: the same data, split on disk: evidence and inventory rows move to one segment file per connection
  // (segmented-file.ts), written by the first commit after the upgrade; rampart.json.bak keeps the version-3 file.
  { from: 3, migrate: (d) => ({ ...d, schemaVersion: 4 }) },
];

export function migrate(raw: unknown, file: string): StoreData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StoreVersionError(`The Rampart store ${file} does not hold a JSON object.`);
  }
  let data = raw as Record<string, unknown>;
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
  if (version > SCHEMA_VERSION) {
    throw new StoreVersionError(
      `The Rampart store ${file} has schema version ${version}, newer than this Rampart understands (${SCHEMA_VERSION}). ` +
        'Update Rampart; the file was left untouched.');
  }
  while (version < SCHEMA_VERSION) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new StoreVersionError(`No migration from store schema version ${version}.`);
    data = step.migrate(data);
    version += 1;
  }
  return data as unknown as StoreData;
}
