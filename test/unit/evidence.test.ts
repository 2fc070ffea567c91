import { strict as assert } from 'node:assert';
import { fingerprint, mergeEvidence, observe } from '../../server/src/evidence/evidence';
import { computeCoverage } from '../../server/src/evidence/coverage';
import { type EvidenceRecord, type Inventory, emptyInventory } from '../../server/src/store/schema';

const owned = { connectionId: 'c1', tenantId: 't1' };
const S = '00000000-0000-0000-0000-000000000001';
const defId = (guid: string) => `/subscriptions/${S}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
function inventory(): Inventory {
  return {
    ...emptyInventory(),
    subscriptions: [{ ...owned, id: `/subscriptions/${S}`, subscriptionId: S, name: 'Prod', state: 'Enabled' }],
    resourceGroups: [{ ...owned, id: `/subscriptions/${S}/resourceGroups/rg1`, subscriptionId: S, name: 'rg1', location: 'westeurope', tags: { env: 'prod' } }],
    roleDefinitions: [
      { ...owned, id: defId('owner'), subscriptionId: S, name: 'owner', roleName: 'Owner', roleType: 'BuiltInRole', actions: ['*'], notActions: [], dataActions: [], notDataActions: [], assignableScopes: ['/'] },
      { ...owned, id: defId('reader'), subscriptionId: S, name: 'reader', roleName: 'Reader', roleType: 'BuiltInRole', actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [], assignableScopes: ['/'] },
      { ...owned, id: defId('god'), subscriptionId: S, name: 'god', roleName: 'Everything', roleType: 'CustomRole', actions: ['*'], notActions: [], dataActions: [], notDataActions: [], assignableScopes: [`/subscriptions/${S}`] },
    ],
    roleAssignments: [
      { ...owned, id: 'ra-owner-sub', subscriptionId: S, principalId: 'p1', principalType: 'ServicePrincipal', roleDefinitionId: defId('owner'), roleName: 'Owner', scope: `/subscriptions/${S}` },
      { ...owned, id: 'ra-owner-rg', subscriptionId: S, principalId: 'p2', principalType: 'User', roleDefinitionId: defId('owner'), roleName: 'Owner', scope: `/subscriptions/${S}/resourceGroups/rg1` },
      { ...owned, id: 'ra-reader', subscriptionId: S, principalId: 'p3', principalType: 'Group', roleDefinitionId: defId('reader'), roleName: 'Reader', scope: `/subscriptions/${S}` },
      { ...owned, id: 'ra-custom', subscriptionId: S, principalId: 'p4', principalType: 'User', roleDefinitionId: defId('god'), roleName: 'Everything', scope: `/subscriptions/${S}/resourceGroups/rg1` },
      { ...owned, id: 'ra-gone', subscriptionId: S, principalId: 'p5', principalType: 'User', roleDefinitionId: defId('missing'), roleName: 'unknown role missing', scope: `/subscriptions/${S}` },
    ],
  };
}

describe('evidence', () => {
  it('judges role assignments: privileged at subscription scope and wildcard custom roles fail', () => {
    const obs = observe(inventory());
    const status = Object.fromEntries(obs.filter((o) => o.type === 'role-assignment').map((o) => [o.subject, o.status]));
    assert.deepEqual(status, { 'ra-owner-sub': 'fail', 'ra-owner-rg': 'pass', 'ra-reader': 'pass', 'ra-custom': 'fail', 'ra-gone': 'unknown' });
    assert.ok(obs.some((o) => o.type === 'resource-group' && o.status === 'pass'));
  });

  it('fingerprints are stable under key order and subject case, and change with the data', () => {
    const a = fingerprint({ type: 't', subject: '/Subscriptions/X', data: { a: 1, b: { c: 2, d: 3 } } });
    const b = fingerprint({ type: 't', subject: '/subscriptions/x', data: { b: { d: 3, c: 2 }, a: 1 } });
    const c = fingerprint({ type: 't', subject: '/subscriptions/x', data: { a: 2, b: { c: 2, d: 3 } } });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('an unchanged observation updates lastSeenAt instead of adding a row; a change adds one', () => {
    const rows: EvidenceRecord[] = [];
    const first = mergeEvidence(rows, observe(inventory()), { ...owned, runId: 'r1', at: '2026-01-01T00:00:00.000Z' });
    assert.equal(first.added, 7, '5 assignments, 1 resource group, 1 custom role');
    const second = mergeEvidence(rows, observe(inventory()), { ...owned, runId: 'r2', at: '2026-01-02T00:00:00.000Z' });
    assert.equal(second.added, 0);
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.observedAt === '2026-01-01T00:00:00.000Z' && r.lastSeenAt === '2026-01-02T00:00:00.000Z'));
    const changed = inventory();
    changed.resourceGroups[0].tags = { env: 'dev' };
    const third = mergeEvidence(rows, observe(changed), { ...owned, runId: 'r3', at: '2026-01-03T00:00:00.000Z' });
    assert.equal(third.added, 1);
    assert.equal(rows.length, 8);
  });

  it('rows of another connection are never merged into', () => {
    const rows: EvidenceRecord[] = [];
    mergeEvidence(rows, observe(inventory()), { ...owned, runId: 'r1', at: 'a' });
    const other = mergeEvidence(rows, observe(inventory()), { connectionId: 'c2', tenantId: 't1', runId: 'r2', at: 'b' });
    assert.equal(other.added, 7);
    assert.equal(rows.length, 14);
  });

  it('maps role assignments to CC6.1-CC6.3 and resource groups to CC6.6-CC6.7 and computes coverage', () => {
    const rows: EvidenceRecord[] = [];
    mergeEvidence(rows, observe(inventory()), { ...owned, runId: 'r1', at: 'a' });
    assert.deepEqual(rows.find((r) => r.type === 'role-assignment')!.controls, ['CC6.1', 'CC6.2', 'CC6.3']);
    assert.deepEqual(rows.find((r) => r.type === 'resource-group')!.controls, ['CC6.6', 'CC6.7']);
    const cov = Object.fromEntries(computeCoverage(rows).map((c) => [c.control, c]));
    assert.equal(cov['CC6.1'].state, 'failing');
    assert.equal(cov['CC6.1'].failingCount, 2);
    assert.equal(cov['CC6.7'].state, 'covered');
    assert.equal(cov['CC6.7'].percent, 100);
    assert.equal(cov['CC6.6'].state, 'partial', 'storage and public IP evidence are expected too');
    assert.equal(cov['CC6.6'].percent, 33);
    assert.equal(cov['CC7.1'].state, 'none');
  });
});
