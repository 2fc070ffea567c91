/** Creating connections and describing them to clients. */
import type { ConnectionSummary, NewConnection, RunSummary } from '../protocol';
import { resolveCloud } from '../azure/clouds';
import type { ConnectionRecord, RunRecord, StoreData } from '../store/schema';
import { newId } from '../util/ids';
import { INTERACTIVE_KINDS } from './sign-in';

export class ValidationError extends Error {}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i;

export function validateNewConnection(input: NewConnection, existing: ConnectionRecord[]): void {
  const name = input.name?.trim();
  if (!name) throw new ValidationError('A connection needs a name.');
  if (existing.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
    throw new ValidationError(`A connection named '${name}' already exists: choose another name.`);
  }
  if (!GUID.test(input.tenantId ?? '') && !DOMAIN.test(input.tenantId ?? '')) {
    throw new ValidationError(`The tenant '${input.tenantId}' is neither a GUID nor a domain such as contoso.onmicrosoft.com.`);
  }
  if (!['secret', 'certificate', 'azure-cli', 'microsoft-account'].includes(input.credentialKind)) {
    throw new ValidationError(`Unknown credential kind '${String(input.credentialKind)}': use secret, certificate, azure-cli or microsoft-account.`);
  }
  const interactive = INTERACTIVE_KINDS.has(input.credentialKind);
  // Required unless the user signs in interactively; a GUID whenever given.
  if ((!interactive || input.clientId) && !GUID.test(input.clientId ?? '')) {
    throw new ValidationError(`The client id '${input.clientId}' is not a GUID (the app registration's Application (client) ID).`);
  }
  if (input.managementGroup !== undefined) {
    if (!/^[A-Za-z0-9._()-]{1,90}$/.test(input.managementGroup)) throw new ValidationError(`'${input.managementGroup}' is not a management group id (letters, digits, - _ . ( ), up to 90).`);
    if (input.subscriptions?.length) throw new ValidationError('Give either a management group or a list of subscriptions, not both.');
  }
  for (const s of input.subscriptions ?? []) {
    if (!GUID.test(s)) throw new ValidationError(`The subscription '${s}' is not a subscription id (a GUID).`);
  }
  if (interactive && (input.secretEnv !== undefined || input.certificateFile !== undefined)) {
    throw new ValidationError(`A connection that signs in with ${input.credentialKind === 'azure-cli' ? 'the Azure CLI' : 'a Microsoft account'} takes no secret or certificate.`);
  }
  if (input.credentialKind === 'certificate' && input.certificateFile === undefined && input.secretEnv !== undefined) {
    throw new ValidationError('A certificate connection takes a certificate, not a secret.');
  }
  if (input.secretEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(input.secretEnv)) {
    throw new ValidationError(`'${input.secretEnv}' is not an environment variable name.`);
  }
  resolveCloud(input.cloud);
}

export function newConnectionRecord(input: NewConnection, at: Date): ConnectionRecord {
  return {
    id: newId('conn'), name: input.name.trim(), description: input.description?.trim() || undefined,
    tenantId: input.tenantId.trim(), clientId: (input.clientId ?? '').trim().toLowerCase(), credentialKind: input.credentialKind,
    secretEnv: input.secretEnv, certificateFile: input.certificateFile,
    subscriptions: [...new Set((input.subscriptions ?? []).map((s) => s.toLowerCase()))],
    ...(input.managementGroup ? { managementGroup: input.managementGroup } : {}),
    // A draft until verified (Resume Connection Setup) or synced.
    cloud: input.cloud ?? { name: 'AzureCloud' }, createdAt: at.toISOString(), status: 'draft',
  };
}

export function findConnection(data: StoreData, idOrName: string): ConnectionRecord | undefined {
  const key = idOrName.toLowerCase();
  return data.connections.find((c) => c.id === idOrName) ?? data.connections.find((c) => c.name.toLowerCase() === key);
}

export function toRunSummary(r: RunRecord): RunSummary {
  return { ...r, counts: { ...r.counts } };
}

/** A connection for clients, with its latest runs; a revoked one carries deletedAt and when it will be pruned. */
export function toConnectionSummary(data: StoreData, c: ConnectionRecord, recent = 5, retentionDays = 365): ConnectionSummary {
  const runs = data.runs.filter((r) => r.connectionId === c.id).slice(-recent).reverse().map(toRunSummary);
  return {
    id: c.id, name: c.name, description: c.description, tenantId: c.tenantId, clientId: c.clientId,
    credentialKind: c.credentialKind, cloud: c.cloud, status: c.status, statusDetail: c.statusDetail,
    createdAt: c.createdAt, lastSyncAt: c.lastSyncAt,
    ...(c.deletedAt ? { deletedAt: c.deletedAt, pruneAfter: new Date(Date.parse(c.deletedAt) + retentionDays * 86_400_000).toISOString() } : {}),
    subscriptions: data.inventory.subscriptions.filter((s) => s.connectionId === c.id).map((s) => ({ id: s.subscriptionId, name: s.name, state: s.state })),
    recentRuns: runs,
    ...(c.managementGroup ? { managementGroup: c.managementGroup } : {}),
    ...(c.setup ? { setup: c.setup } : {}),
    ...(c.organizationId ? { organizationId: c.organizationId } : {}),
  };
}
