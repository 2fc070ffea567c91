/**
 * The collectors through the REAL SDKs (arm-security 5, arm-storage 20, arm-keyvault 5, arm-network 36) against the
 * emulator: first the official Azure example payloads (test/fixtures/arm-examples, copied from the public
 * azure-rest-api-specs) served verbatim, then the sample tenant's posture.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SdkSessionFactory } from '../../server/src/azure/clients';
import { resolveCloud } from '../../server/src/azure/clouds';
import { observe } from '../../server/src/evidence/evidence';
import type { Observation } from '../../server/src/evidence/evidence';
import { collect } from '../../server/src/sync/collect';
import type { Inventory } from '../../server/src/store/schema';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';

process.env.NO_PROXY = '127.0.0.1,localhost';
const FIXTURES = join(__dirname, '..', 'fixtures', 'arm-examples');
const SAMPLE = join(__dirname, '..', 'emulator', 'scenarios', 'sample.json');
const FAST_RETRY = { maxRetries: 1, retryDelayInMs: 20, maxRetryDelayInMs: 50 };
const NOW = new Date('2026-11-01T00:00:00Z');

/** The 200 body of an example, with its nextLink dropped (they point at management.azure.com or http://nextlink). */
function example(file: string): { value?: unknown[] } & Record<string, unknown> {
  const body = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')).responses['200'].body;
  delete body.nextLink;
  return body;
}

async function read(emu: EmulatorHandle, clientId: string, secret: string, subscriptions: string[] = []): Promise<Inventory> {
  const cloud = resolveCloud({ name: 'Custom', authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile });
  const session = await new SdkSessionFactory(FAST_RETRY).create(cloud, emu.tenantId, clientId, { secret });
  return collect({
    session, connectionId: 'c1', tenantId: emu.tenantId, subscriptions, abortSignal: new AbortController().signal, concurrency: 4,
    errors: { connectionName: 'test', clientId, tenantId: emu.tenantId }, progress: () => undefined,
  });
}

const bySubject = (obs: Observation[], type: string) => new Map(obs.filter((o) => o.type === type).map((o) => [o.subject.split('/').pop()!, o]));

describe('collectors: official Azure example payloads through the real SDKs', function () {
  this.timeout(30_000);
  const SUB = '291bba3f-e0a5-47bc-a099-3bdcb2a50a05'; // the Subscriptions_List example's subscription
  const TENANT = '31c75423-32d6-4322-88b7-c478bdde4858';
  const APP = '6a0e2c1b-3f4d-4e5a-8b9c-0d1e2f3a4b5c';
  const vault = `/subscriptions/${SUB}/resourceGroups/sample-group/providers/Microsoft.KeyVault/vaults/sample-vault`;
  let emu: EmulatorHandle;
  let inv: Inventory;
  let obs: Observation[];

  before(async () => {
    const at = (path: string, file: string) => ({ path, body: example(file) });
    const scenario: Scenario = {
      tenant: { id: TENANT },
      apps: [{ clientId: APP, secret: 'examples-secret' }],
      subscriptions: [{ id: SUB, displayName: 'Example Subscription' }],
      responses: [
        at('/subscriptions', 'Subscriptions_List.GetSubscriptions.json'),
        { path: `/subscriptions/${SUB}/resourcegroups`, body: { value: [example('ResourceGroups_Get.json')] } },
        at(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments`, 'RoleAssignments_ListForSubscription.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions`, 'RoleDefinitions_List.GetRoleDefinitionAtScope.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.Security/secureScores`, 'SecureScores_List.ListSecureScores_example.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.Security/secureScoreControls`, 'SecureScoreControls_List.ListSecureScoreControls_example.trimmed.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts`, 'StorageAccounts_List.StorageAccountList.trimmed.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.KeyVault/vaults`, 'Vaults_ListBySubscription.listVaultBySubscription.json'),
        at(`${vault}/keys`, 'Keys_List.listKeys.2026-03-01-preview.json'),
        at(`${vault}/secrets`, 'Secrets_List.listSecrets.json'),
        at(`/subscriptions/${SUB}/providers/Microsoft.Network/publicIPAddresses`, 'PublicIPAddresses_ListAll.PublicIpAddressListAll.json'),
      ],
    };
    emu = await startEmulator({ scenario });
    inv = await read(emu, APP, 'examples-secret');
    obs = observe(inv, NOW);
  });
  after(async () => { await emu?.stop(); });

  it('reads every source from the verbatim payloads', () => {
    assert.deepEqual(
      [inv.subscriptions.length, inv.resourceGroups.length, inv.roleAssignments.length, inv.secureScores.length, inv.secureScores[0].controls.length,
        inv.storageAccounts.length, inv.keyVaults.length, inv.vaultKeys.length, inv.vaultSecrets.length, inv.publicIps.length],
      [1, 1, 1, 1, 2, 2, 1, 2, 2, 2]);
    for (const type of ['role-assignment', 'custom-role', 'resource-group', 'secure-score', 'storage-account', 'key-vault', 'key-vault-key', 'key-vault-secret', 'public-ip']) {
      assert.ok(obs.some((o) => o.type === type), `evidence of type ${type}`);
    }
  });

  it('secure score: overall and per control, mapped to top-level figures', () => {
    const s = inv.secureScores[0];
    assert.deepEqual([s.current, s.max, s.percentage], [23.53, 39, 0.6033]);
    const scores = bySubject(obs, 'secure-score');
    assert.equal(scores.get('ascScore')!.status, 'fail', 'a 60% score is below the 70% bar');
    assert.equal(scores.get('34a42fb3-e6db-409c-b56b-7b1db6b8aee0')!.status, 'pass'); // Enable MFA, 0 unhealthy
    assert.equal(scores.get('0e55495e-034f-4abc-8293-767229250176')!.status, 'fail'); // 1 unhealthy resource
  });

  it('storage: fields the payload omits stay unknown (null) and never pass', () => {
    const sto = inv.storageAccounts.find((a) => a.name === 'sto8596')!;
    assert.equal(sto.allowBlobPublicAccess, undefined);
    assert.equal(sto.publicNetworkAccess, undefined);
    assert.equal(sto.networkDefaultAction, 'Allow', 'networkAcls arrives as networkRuleSet');
    assert.equal(sto.httpsOnly, false);
    for (const o of bySubject(obs, 'storage-account').values()) {
      assert.equal(o.data.allowBlobPublicAccess, null);
      assert.notEqual(o.status, 'pass');
    }
  });

  it('key vault: missing settings are unknown; keys and secrets without expiry fail; rotation policy not returned is unknown', () => {
    const v = bySubject(obs, 'key-vault').get('sample-vault')!;
    assert.equal(v.status, 'unknown');
    assert.match(v.reason!, /enablePurgeProtection.*enableRbacAuthorization.*publicNetworkAccess/);
    assert.equal(v.data.enableSoftDelete, true);
    const key = bySubject(obs, 'key-vault-key').get('sample-key-name-1')!;
    assert.equal(key.status, 'fail');
    assert.match(key.reason!, /never expires/);
    assert.equal(key.data.rotationPolicy, null);
    assert.equal(bySubject(obs, 'key-vault-secret').get('secret-name')!.status, 'fail');
  });

  it('public IPs: address, allocation and the resource attached to', () => {
    const ips = bySubject(obs, 'public-ip');
    assert.equal(ips.get('ip01')!.data.ipAddress, '40.85.154.247');
    assert.match(String(ips.get('ip01')!.data.attachedTo), /loadBalancers\/testLb$/);
    assert.equal(ips.get('testDNS-ip')!.data.ipAddress, null, 'a dynamic address not yet allocated');
    assert.match(String(ips.get('testDNS-ip')!.data.attachedTo), /networkInterfaces\/testDNS649$/);
    assert.ok([...ips.values()].every((o) => o.status === 'pass'));
  });

  it('role definitions: the example role is custom (not BuiltInRole) with its permissions and scopes', () => {
    const role = bySubject(obs, 'custom-role').get('roleDefinitionId')!;
    assert.equal(role.status, 'pass');
    assert.deepEqual(role.data.actions, ['action']);
    assert.deepEqual(role.data.assignableScopes, ['/subscriptions/subId']);
  });

  it('sent the api-versions the SDKs use, once per source', () => {
    const versions = (re: RegExp) => [...new Set(emu.requests.filter((r) => re.test(r.path)).map((r) => r.query['api-version']))];
    assert.deepEqual(versions(/secureScores$/i), ['2020-01-01']);
    assert.equal(versions(/storageAccounts$/i).length, 1);
    assert.equal(versions(/vaults$/i).length, 1);
    assert.equal(versions(/publicIPAddresses$/i).length, 1);
  });
});

describe('collectors: the sample tenant', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let obs: Observation[];

  before(async () => {
    emu = await startEmulator({ scenario: SAMPLE });
    const app = emu.scenario.apps[0];
    obs = observe(await read(emu, app.clientId, app.secret!), NOW);
  });
  after(async () => { await emu?.stop(); });

  it('judges storage accounts: private passes, public fails, omitted fields are unknown', () => {
    const st = bySubject(obs, 'storage-account');
    assert.equal(st.get('stcontosoprodweb')!.status, 'pass');
    assert.equal(st.get('stcontosoproddata')!.status, 'fail');
    assert.match(st.get('stcontosoproddata')!.reason!, /Anonymous/);
    assert.equal(st.get('stcontosologs')!.status, 'unknown');
    assert.match(st.get('stcontosologs')!.reason!, /allowBlobPublicAccess/);
    assert.match(st.get('stcontosodevsandbox')!.reason!, /TLS1_0/);
  });

  it('judges keys and secrets by expiry and rotation at the given time', () => {
    const keys = bySubject(obs, 'key-vault-key');
    assert.equal(keys.get('cmk-storage')!.status, 'pass', keys.get('cmk-storage')!.reason);
    assert.match(keys.get('legacy-signing')!.reason!, /never expires.*never rotates/);
    assert.match(keys.get('tls-wildcard')!.reason!, /expired on 2025-03-31/);
    assert.equal(keys.get('app-encryption')!.status, 'unknown', 'no rotation policy returned');
    const secrets = bySubject(obs, 'key-vault-secret');
    assert.equal(secrets.get('sql-admin-password')!.status, 'pass');
    assert.equal(secrets.get('partner-api-token')!.status, 'fail');
    assert.equal(secrets.get('smtp-relay-password')!.status, 'fail');
    const vaults = bySubject(obs, 'key-vault');
    assert.deepEqual([vaults.get('kv-contoso-shared')!.status, vaults.get('kv-contoso-prod')!.status, vaults.get('kv-contoso-dev')!.status], ['pass', 'fail', 'unknown']);
  });

  it('lists public IPs with an orphaned one failing, and one custom-role row per role', () => {
    const ips = bySubject(obs, 'public-ip');
    assert.equal(ips.size, 5);
    assert.equal(ips.get('pip-dev-old-vm')!.status, 'fail');
    const roles = obs.filter((o) => o.type === 'custom-role');
    assert.equal(roles.length, 2, 'the same custom role listed at three subscriptions is one row');
    assert.equal(roles.find((r) => r.data.roleName === 'Contoso Ops Superuser')!.status, 'fail');
  });
});
