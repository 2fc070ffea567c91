/** A three-level organization tree over a fresh store, shared by the organization, grade and export tests. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Organizations } from '../../server/src/core/organizations';
import { DEFAULT_SETTINGS, type ServiceSettings } from '../../server/src/core/settings';
import { mergeEvidence, type Observation } from '../../server/src/evidence/evidence';
import type { OrganizationNode } from '../../server/src/protocol';
import type { ConnectionRecord } from '../../server/src/store/schema';
import { Store } from '../../server/src/store/store';

export const DAY = 86_400_000;
export const SYNCED = '2026-03-01T12:00:00.000Z';
export const SUB = '/subscriptions/s1/resourceGroups/rg/providers';
const obs = (type: string, subject: string, status: Observation['status'], reason?: string): Observation => ({ type, subject, status, reason, data: { subject } });

function connection(id: string): ConnectionRecord {
  return {
    id, name: id, tenantId: 't', clientId: 'c', credentialKind: 'secret', subscriptions: [], cloud: { name: 'AzureCloud' },
    createdAt: SYNCED, status: 'active', lastSyncAt: SYNCED,
  };
}

/** Three levels: Group (conn-a) > Subsidiary (conn-b) > Subsidiary Azure (conn-c); each connection has its own findings. */
export async function fixture(settings: Partial<ServiceSettings> = {}, user?: () => string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-orgs-'));
  const store = await Store.open(dir);
  let now = new Date(Date.parse(SYNCED) + DAY);
  const orgs = new Organizations({ store, clock: { now: () => now }, settings: () => ({ ...DEFAULT_SETTINGS, ...settings }), user });
  const owner = (connectionId: string) => ({ connectionId, tenantId: 't', runId: 'run_1', at: SYNCED });
  await store.update((d) => {
    d.connections.push(connection('conn-a'), connection('conn-b'), connection('conn-c'));
    mergeEvidence(d.evidence, [
      obs('role-assignment', 'ra-a', 'fail', 'User u holds Owner at /subscriptions/s1: it can grant access to anyone.'),
      obs('resource-group', 'rg-a', 'pass'),
    ], owner('conn-a'));
    mergeEvidence(d.evidence, [obs('key-vault-key', 'k-b', 'fail', "Key 'k' never expires."), obs('resource-group', 'rg-b', 'pass')], owner('conn-b'));
    mergeEvidence(d.evidence, [
      obs('storage-account', `${SUB}/Microsoft.Storage/storageAccounts/stnew`, 'fail', 'Anonymous (public) blob access is allowed.'),
      obs('public-ip', 'ip-c', 'pass'),
    ], owner('conn-c'));
  });
  await orgs.create({ name: 'Group', primaryDomain: 'group.example', visibility: 'shared' });
  await orgs.create({ name: 'Subsidiary', parent: 'Group', description: 'a subsidiary' });
  await orgs.create({ name: 'Subsidiary Azure', parent: 'Subsidiary' });
  await orgs.attach('conn-a', 'Group');
  await orgs.attach('conn-b', 'Subsidiary');
  await orgs.attach('conn-c', 'Subsidiary Azure');
  return { dir, store, orgs, setNow: (d: Date) => { now = d; } };
}

export function flatten(nodes: OrganizationNode[]): OrganizationNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

