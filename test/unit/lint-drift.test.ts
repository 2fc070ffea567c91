/** RP030 role-drift: the rule in every input format, and the tenant roles built from a store. */
import { strict as assert } from 'node:assert';
import { tenantRoles, TenantRoleCache } from '../../server/src/core/synced-tenant';
import { lintText, type TenantRole } from '../../server/src/lint';
import { emptyStore, type RoleAssignmentRecord, type RoleDefinitionRecord, type StoreData } from '../../server/src/store/schema';
import { FORMATS, textAt } from './lint-helpers';

const READ = 'Microsoft.Storage/storageAccounts/read';
const KEYS = 'Microsoft.Storage/storageAccounts/listKeys/action';
const GUID = '0f6a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';

const tenant = (over: Partial<TenantRole> = {}): TenantRole => ({
  guid: GUID, roleName: 'Test', source: 'Prod', actions: [READ], notActions: [], dataActions: [], notDataActions: [], principals: 3, ...over,
});

describe('lint: RP030 role-drift', () => {
  for (const [format, make] of Object.entries(FORMATS)) {
    it(`${format}: notes added and removed operations on the role name, and nothing when they match`, () => {
      const [name, text] = make({ actions: [READ, KEYS], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] });
      const notes = lintText(name, text, { tenantRoles: [tenant()] }).filter((f) => f.ruleId === 'RP030');
      assert.equal(notes.length, 1, JSON.stringify(notes));
      assert.equal(notes[0].severity, 'information');
      assert.equal(textAt(text, notes[0].range).replace(/['"]/g, ''), 'Test');
      assert.match(notes[0].message, /this file adds 'Microsoft\.Storage\/storageAccounts\/listKeys\/action' in Actions; adds '.*blobs\/read' in DataActions/);
      assert.match(notes[0].message, /assigned to 3 principals/);

      const [, same] = make({ actions: [READ.toUpperCase()] });
      assert.deepEqual(lintText(name, same, { tenantRoles: [tenant()] }).filter((f) => f.ruleId === 'RP030'), []);
      // No synced tenant, or a tenant role of another name and id: nothing to compare.
      assert.deepEqual(lintText(name, text).filter((f) => f.ruleId === 'RP030'), []);
      assert.deepEqual(lintText(name, text, { tenantRoles: [tenant({ roleName: 'Other', guid: '1'.repeat(32) })] }).filter((f) => f.ruleId === 'RP030'), []);
    });
  }

  it('matches the REST shape by the GUID in its name, lists at most four operations, and says when nobody holds the role', () => {
    const many = Array.from({ length: 6 }, (_, i) => `Microsoft.Compute/virtualMachines/op${i}/action`);
    const text = JSON.stringify({ name: GUID, properties: { roleName: 'Renamed', permissions: [{ actions: [READ, ...many] }], assignableScopes: ['/subscriptions/x'] } });
    const [note] = lintText('r.json', text, { tenantRoles: [tenant({ principals: 0 })] }).filter((f) => f.ruleId === 'RP030');
    assert.ok(note);
    assert.match(note.message, /op3\/action' and 2 more in Actions/);
    assert.match(note.message, /assigned to 0 principals\.$/);
  });

  it('skips a role whose lists hold values known only at deployment', () => {
    const bicep = `param extra string\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: guid('t')\n  properties: {\n    roleName: 'Test'\n    permissions: [\n      {\n        actions: [\n          '${READ}'\n          extra\n        ]\n      }\n    ]\n    assignableScopes: [subscription().id]\n  }\n}\n`;
    assert.deepEqual(lintText('main.bicep', bicep, { tenantRoles: [tenant({ actions: [KEYS] })] }).filter((f) => f.ruleId === 'RP030'), []);
  });
});

describe('core: tenant roles from the store', () => {
  const owned = (connectionId: string) => ({ connectionId, tenantId: 't1' });
  const def = (connectionId: string, subscriptionId: string, over: Partial<RoleDefinitionRecord> = {}): RoleDefinitionRecord => ({
    ...owned(connectionId), id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${GUID}`, subscriptionId,
    name: GUID, roleName: 'Test', roleType: 'CustomRole', actions: [READ], notActions: [], dataActions: [], notDataActions: [], assignableScopes: [], ...over,
  });
  const assignment = (connectionId: string, principalId: string, subscriptionId: string): RoleAssignmentRecord => ({
    ...owned(connectionId), id: `${principalId}-${subscriptionId}`, subscriptionId, principalId, principalType: 'User',
    roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${GUID}`, roleName: 'Test', scope: `/subscriptions/${subscriptionId}`,
  });
  function store(): StoreData {
    const data = emptyStore();
    const conn = (id: string, name: string, deletedAt?: string) => ({
      id, name, tenantId: 't1', clientId: 'c', credentialKind: 'secret', subscriptions: [], createdAt: '2026-01-01T00:00:00Z', status: 'active', deletedAt,
    }) as unknown as StoreData['connections'][number];
    data.connections.push(conn('c1', 'Prod'), conn('c2', 'Gone', '2026-02-01T00:00:00Z'));
    data.inventory.roleDefinitions.push(def('c1', 's1'), def('c1', 's2'), def('c2', 's3', { name: 'f'.repeat(8) + '-0000-4000-8000-000000000000', roleName: 'Revoked role' }));
    data.inventory.roleAssignments.push(assignment('c1', 'p1', 's1'), assignment('c1', 'p1', 's2'), assignment('c1', 'p2', 's2'), assignment('c2', 'p3', 's3'));
    return data;
  }

  it('one role per tenant and GUID, counting distinct principals, live connections only', () => {
    const roles = tenantRoles(store());
    assert.deepEqual(roles.map((r) => [r.roleName, r.guid, r.principals, r.source]), [['Test', GUID, 2, 'Prod']]);
    assert.deepEqual(tenantRoles(store(), 'prod').length, 1);
    assert.throws(() => tenantRoles(store(), 'Gone'), /No connection named 'Gone'/);
  });

  it('the daemon cache says whether a refresh changed anything', () => {
    let data: StoreData | undefined;
    const cache = new TenantRoleCache(() => data);
    assert.deepEqual(cache.current(), []);
    assert.equal(cache.refresh(), false, 'still no store');
    data = store();
    assert.equal(cache.refresh(), true);
    assert.equal(cache.current().length, 1);
    assert.equal(cache.refresh(), false, 'same roles');
  });
});
