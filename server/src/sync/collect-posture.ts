/**
 * Posture sources of one subscription, read through the real SDK clients: Defender for Cloud secure score,
 * storage accounts, Key Vault (management plane: vaults, key and secret metadata), public IP addresses.
 * Mapping rule: a field the SDK did not return stays undefined. Nothing here decides pass or fail.
 */
import type { AzureSession } from '../azure/clients';
import { SyncError } from '../azure/errors';
import type { Observation } from '../evidence/evidence';
import type {
  Inventory, KeyRotation, KeyVaultRecord, PublicIpRecord, SecureScoreRecord, StorageAccountRecord, VaultKeyRecord, VaultSecretRecord,
} from '../store/schema';

type Owned = { connectionId: string; tenantId: string };
/** Runs one SDK call under the collector's error mapping (and the pool, for fan-out). */
export type Step = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

/** Every item of an SDK list. */
export async function all<T>(iter: AsyncIterable<T>): Promise<T[]> {
  return mapAll(iter, (item) => item);
}

/** Maps each item as its page arrives, so a large list never holds the SDK's objects (they die young). */
export async function mapAll<T, R>(iter: AsyncIterable<T>, map: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for await (const item of iter) out.push(map(item));
  return out;
}

/** The posture sources of a subscription that a sync reads apart: a 403 on one of them does not fail the sync. */
export type PostureSource = 'secure-score' | 'storage' | 'key-vault' | 'public-ip';

export const POSTURE_SOURCES: Record<PostureSource, {
  title: string; role: string; evidenceTypes: string[]; tables: (keyof Inventory)[]; collection(subscriptionId: string): string;
}> = {
  'secure-score': {
    title: 'Defender for Cloud secure score', role: 'Security Reader', evidenceTypes: ['secure-score'], tables: ['secureScores'],
    collection: (s) => `/subscriptions/${s}/providers/Microsoft.Security/secureScores/ascScore`,
  },
  storage: {
    title: 'storage accounts', role: 'Reader', evidenceTypes: ['storage-account'], tables: ['storageAccounts'],
    collection: (s) => `/subscriptions/${s}/providers/Microsoft.Storage/storageAccounts`,
  },
  'key-vault': {
    title: 'Key Vault vaults, keys and secrets', role: 'Reader', evidenceTypes: ['key-vault', 'key-vault-key', 'key-vault-secret'], tables: ['keyVaults', 'vaultKeys', 'vaultSecrets'],
    collection: (s) => `/subscriptions/${s}/providers/Microsoft.KeyVault/vaults`,
  },
  'public-ip': {
    title: 'public IP addresses', role: 'Reader', evidenceTypes: ['public-ip'], tables: ['publicIps'],
    collection: (s) => `/subscriptions/${s}/providers/Microsoft.Network/publicIPAddresses`,
  },
};

/** A posture source the connector may not read in one subscription (Azure answered 403). */
export interface DeniedSource { source: PostureSource; subscriptionId: string; message: string }

/**
 * Runs `read` (which adds to the inventory only once it has everything); a 403 becomes a DeniedSource in `denied`
 * instead of an error, naming the role that is missing. Every other failure still fails the sync.
 */
export async function readUnlessDenied(
  source: PostureSource, subscriptionId: string, connectionName: string, denied: DeniedSource[], read: () => Promise<void>,
): Promise<void> {
  try {
    await read();
  } catch (e) {
    if (!(e instanceof SyncError) || e.code !== 'forbidden') throw e;
    const { title, role } = POSTURE_SOURCES[source];
    denied.push({
      source, subscriptionId,
      message: `Connection '${connectionName}' may not read ${title} in subscription ${subscriptionId} (403): assign the connector the ${role} ` +
        `role there (or the least-privilege role), then sync again. Shown as unknown; the rest of the sync went on and earlier evidence is kept.`,
    });
  }
}

/** The rows standing for a source Azure refused to show: one unknown row per evidence type, saying which role is missing. */
export function deniedObservations(d: DeniedSource): Observation[] {
  const { evidenceTypes, collection } = POSTURE_SOURCES[d.source];
  return evidenceTypes.map((type) => ({
    type, subject: collection(d.subscriptionId), subscriptionId: d.subscriptionId, status: 'unknown', reason: d.message,
    data: { source: d.source, readable: false, httpStatus: 403 },
  }));
}

/**
 * The inventory to store after a sync: `fresh`, plus the rows `stored` holds for each source that was denied (same
 * connection and subscription), so a 403 never deletes what an earlier sync saw (nor counts its assets as removed).
 */
export function keepDenied(fresh: Inventory, stored: Inventory, denied: DeniedSource[], connectionId: string): Inventory {
  if (!denied.length) return fresh;
  const out = { ...fresh } as unknown as Record<string, { connectionId: string; subscriptionId: string }[]>;
  for (const d of denied) {
    for (const table of POSTURE_SOURCES[d.source].tables) {
      const kept = (stored[table] as { connectionId: string; subscriptionId: string }[] | undefined ?? [])
        .filter((r) => r.connectionId === connectionId && r.subscriptionId === d.subscriptionId);
      out[table] = [...out[table], ...kept];
    }
  }
  return out as unknown as Inventory;
}

/** The resource group named in an ARM id ('' when there is none). */
export function resourceGroupOf(id: string | undefined): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id ?? '')?.[1] ?? '';
}

/** A Date, an epoch-seconds number or an ISO string as ISO; undefined stays undefined. */
function iso(v: Date | number | string | undefined | null): string | undefined {
  if (v === undefined || v === null) return undefined;
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Secure score per subscription (normally one, "ascScore") with its controls attached. */
export async function readSecureScores(session: AzureSession, s: string, owned: Owned, step: Step, abortSignal: AbortSignal): Promise<SecureScoreRecord[]> {
  const client = session.security(s);
  const [scores, controls] = await Promise.all([
    step('secure scores', () => all(client.secureScores.list({ abortSignal }))),
    step('secure score controls', () => all(client.secureScoreControls.list({ abortSignal }))),
  ]);
  return secureScoreRecords(s, owned, scores, controls);
}

/** SDK-shaped secure score items (as the SDK flattens them) and their controls, as records with controls attached. */
export function secureScoreRecords(s: string, owned: Owned, scores: SdkSecureScore[], controls: SdkScoreControl[]): SecureScoreRecord[] {
  const out: SecureScoreRecord[] = scores.map((x) => ({
    ...owned, id: x.id ?? `/subscriptions/${s}/providers/Microsoft.Security/secureScores/${x.name}`, subscriptionId: s,
    name: x.name ?? 'ascScore', displayName: x.displayName, weight: x.weight, current: x.current, max: x.max, percentage: x.percentage, controls: [],
  }));
  for (const c of controls) {
    const scoreName = /\/secureScores\/([^/]+)\/secureScoreControls\//i.exec(c.id ?? '')?.[1]?.toLowerCase();
    let owner = out.find((x) => x.name.toLowerCase() === scoreName) ?? out[0];
    if (!owner) {
      // Controls without their score: keep them, with the overall figures unknown.
      owner = { ...owned, id: `/subscriptions/${s}/providers/Microsoft.Security/secureScores/${scoreName ?? 'ascScore'}`, subscriptionId: s, name: scoreName ?? 'ascScore', controls: [] };
      out.push(owner);
    }
    owner.controls.push({
      id: c.id ?? '', name: c.name ?? '', displayName: c.displayName, current: c.current, max: c.max, percentage: c.percentage,
      healthy: c.healthyResourceCount, unhealthy: c.unhealthyResourceCount, notApplicable: c.notApplicableResourceCount, weight: c.weight,
    });
  }
  return out;
}

interface SdkSecureScore { id?: string; name?: string; displayName?: string; weight?: number; current?: number; max?: number; percentage?: number }
interface SdkScoreControl extends SdkSecureScore { healthyResourceCount?: number; unhealthyResourceCount?: number; notApplicableResourceCount?: number }

/** Storage accounts and their public-access settings. */
export async function readStorageAccounts(session: AzureSession, s: string, owned: Owned, step: Step, abortSignal: AbortSignal): Promise<StorageAccountRecord[]> {
  const accounts = await step('storage accounts', () => all(session.storage(s).storageAccounts.list({ abortSignal })));
  return accounts.map((a) => ({
    ...owned, id: a.id ?? '', subscriptionId: s, name: a.name ?? '', resourceGroup: resourceGroupOf(a.id), location: a.location,
    allowBlobPublicAccess: a.allowBlobPublicAccess, publicNetworkAccess: a.publicNetworkAccess,
    networkDefaultAction: a.networkRuleSet?.defaultAction, minimumTlsVersion: a.minimumTlsVersion,
    httpsOnly: a.enableHttpsTrafficOnly, allowSharedKeyAccess: a.allowSharedKeyAccess,
  }));
}

/** Vaults with their settings, then each vault's keys and secrets (metadata only: ARM never returns values). */
export async function readKeyVaults(
  session: AzureSession, s: string, owned: Owned, step: Step, abortSignal: AbortSignal,
  fanOut: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<{ vaults: KeyVaultRecord[]; keys: VaultKeyRecord[]; secrets: VaultSecretRecord[] }> {
  const client = session.keyVault(s);
  const found = await fanOut(() => step('key vaults', () => all(client.vaults.listBySubscription({ abortSignal }))));
  const vaults: KeyVaultRecord[] = found.map((v) => ({
    ...owned, id: v.id ?? '', subscriptionId: s, name: v.name ?? '', resourceGroup: resourceGroupOf(v.id), location: v.location,
    enablePurgeProtection: v.properties?.enablePurgeProtection, enableSoftDelete: v.properties?.enableSoftDelete,
    enableRbacAuthorization: v.properties?.enableRbacAuthorization, publicNetworkAccess: v.properties?.publicNetworkAccess,
    networkDefaultAction: v.properties?.networkAcls?.defaultAction,
  }));
  return { vaults, ...await readVaultContents(session, s, vaults, owned, step, abortSignal, fanOut) };
}

/** The keys and secrets of these vaults (of subscription `s`), each vault's two lists through `fanOut`. */
export async function readVaultContents(
  session: AzureSession, s: string, vaults: KeyVaultRecord[], owned: Owned, step: Step, abortSignal: AbortSignal,
  fanOut: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<{ keys: VaultKeyRecord[]; secrets: VaultSecretRecord[] }> {
  const client = session.keyVault(s);
  const keys: VaultKeyRecord[] = [];
  const secrets: VaultSecretRecord[] = [];
  await Promise.all(vaults.map((v) => fanOut(async () => {
    const [ks, ss] = await Promise.all([
      step(`keys of vault ${v.name}`, () => mapAll(client.keys.list(v.resourceGroup, v.name, { abortSignal }), (k): VaultKeyRecord => ({
        ...owned, id: k.id ?? '', subscriptionId: s, vaultId: v.id, name: k.name ?? '', attributesReturned: k.attributes !== undefined,
        enabled: k.attributes?.enabled, expires: iso(k.attributes?.expires), rotation: k.rotationPolicy ? rotationOf(k.rotationPolicy) : undefined,
      }))),
      step(`secrets of vault ${v.name}`, () => mapAll(client.secrets.list(v.resourceGroup, v.name, { abortSignal }), (x): VaultSecretRecord => {
        const attributes = x.properties?.attributes;
        return {
          ...owned, id: x.id ?? '', subscriptionId: s, vaultId: v.id, name: x.name ?? '', attributesReturned: attributes !== undefined,
          enabled: attributes?.enabled, expires: iso(attributes?.expires),
        };
      })),
    ]);
    for (const k of ks) keys.push(k);
    for (const x of ss) secrets.push(x);
  })));
  return { keys, secrets };
}

interface SdkRotationPolicy {
  attributes?: { expiryTime?: string };
  lifetimeActions?: { trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action?: { type?: string } }[];
}

function rotationOf(p: SdkRotationPolicy): KeyRotation {
  const r: KeyRotation = { expiryTime: p.attributes?.expiryTime };
  for (const a of p.lifetimeActions ?? []) {
    const type = a.action?.type?.toLowerCase();
    if (type === 'rotate') {
      r.rotateAfter ??= a.trigger?.timeAfterCreate;
      r.rotateBeforeExpiry ??= a.trigger?.timeBeforeExpiry;
    } else if (type === 'notify') {
      r.notifyBeforeExpiry ??= a.trigger?.timeBeforeExpiry;
    }
  }
  return r;
}

/** Public IP addresses and what each is attached to. */
export async function readPublicIps(session: AzureSession, s: string, owned: Owned, step: Step, abortSignal: AbortSignal): Promise<PublicIpRecord[]> {
  const ips = await step('public IP addresses', () => all(session.network(s).publicIPAddresses.listAll({ abortSignal })));
  return ips.map((p) => ({
    ...owned, id: p.id ?? '', subscriptionId: s, name: p.name ?? '', resourceGroup: resourceGroupOf(p.id), location: p.location,
    ipAddress: p.ipAddress, allocation: p.publicIPAllocationMethod, version: p.publicIPAddressVersion, sku: p.sku?.name,
    attachedTo: attachmentOf(p.ipConfiguration?.id) ?? p.natGateway?.id,
  }));
}

/** The resource owning an ipConfiguration: /.../networkInterfaces/nic1/ipConfigurations/x -> /.../networkInterfaces/nic1. */
export function attachmentOf(ipConfigurationId: string | undefined): string | undefined {
  if (!ipConfigurationId) return undefined;
  return ipConfigurationId.replace(/\/(ipConfigurations|frontendIPConfigurations|ipconfigurations)\/[^/]+$/i, '');
}
