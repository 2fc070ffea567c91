import { strict as assert } from 'node:assert';
import {
  builtInRole, describeOperation, effectivePermissions, expand, expandWildcard, lookup, matches, nearestOperation, retired,
} from '../../server/src/lint/catalog';
import { malformed } from '../../server/src/lint/rules/operations';
import { allOperations } from '../../server/src/lint';

describe('lint operation catalog', () => {
  it('holds the snapshot: 18,263 actions and 4,257 data actions, 933 built-in roles', () => {
    assert.equal(allOperations('action').length, 18263);
    assert.equal(allOperations('data').length, 4257);
    assert.equal(builtInRole('8E3AF657-A8FF-443C-A75C-2FE8C4BCB635')?.name, 'Owner');
  });

  it('every catalog name is well-formed for RP009', () => {
    const bad = [...allOperations('action'), ...allOperations('data')].filter((o) => malformed(o.name));
    assert.deepEqual(bad.map((o) => o.name).slice(0, 5), []);
  });

  it("wildcards use Azure's semantics: case-insensitive, * spans '/'", () => {
    assert.ok(matches('microsoft.storage/*/READ', 'Microsoft.Storage/storageAccounts/blobServices/read'));
    assert.ok(matches('*/read', 'Microsoft.Compute/virtualMachines/read'));
    assert.ok(!matches('Microsoft.Compute/*/read', 'Microsoft.Compute/virtualMachines/write'));
    assert.ok(matches('Microsoft.Compute/virtualMachines/read', ' microsoft.compute/VIRTUALMACHINES/read '));
    assert.equal(expand('*', 'action').length, 18263);
    assert.ok(expand('*/read', 'action').every((o) => /\/read$/i.test(o.name)));
    assert.ok(expand('Microsoft.Sto*/*', 'action').every((o) => /^microsoft\.sto/.test(o.lower)));
    assert.equal(expand('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', 'action').length, 0);
    assert.equal(expand('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', 'data').length, 1);
  });

  it('effective permissions subtract NotActions (Contributor keeps no authorization writes)', () => {
    const c = builtInRole('b24988ac-6180-42a0-ab88-20f7382dd24c')!;
    const eff = effectivePermissions(c.actions, c.notActions, 'action');
    const names = new Set([...eff].map((o) => o.lower));
    assert.ok(!names.has('microsoft.authorization/roleassignments/write'));
    assert.ok(names.has('microsoft.compute/virtualmachines/write'));
    assert.ok(eff.size > 18000 && eff.size < 18263);
  });

  it('lookups for the editor: describeOperation, expandWildcard, nearestOperation, retired', () => {
    const d = describeOperation('Microsoft.Authorization/roleAssignments/write');
    assert.equal(d.known, true);
    assert.equal(d.provider, 'Microsoft.Authorization');
    assert.equal(d.resourceType, 'Microsoft.Authorization/roleAssignments');
    assert.deepEqual(d.kinds, ['action']);
    assert.equal(d.touchesAccessControl, true);
    assert.ok(d.builtInRoles.includes('Owner') || d.builtInRoleCount > 0);
    const a = describeOperation('Microsoft.Compute/virtualMachines/start/action');
    assert.equal(a.operation, 'start/action');
    const w = expandWildcard('Microsoft.Compute/virtualMachines/*', 3);
    assert.ok(w.actions > 10 && w.first.length === 3 && /\/read$/.test(w.first[0]));
    assert.equal(describeOperation('Microsoft.Compute/*').wildcard!.actions > 100, true);
    assert.equal(nearestOperation('Microsoft.Compute/virtualMachine/strat/action'), 'Microsoft.Compute/virtualMachines/start/action');
    assert.equal(nearestOperation('Microsft.Storage/storageAccounts/read'), 'Microsoft.Storage/storageAccounts/read');
    assert.equal(nearestOperation('Totally/unrelated/thing'), undefined);
    assert.ok(retired('Microsoft.ClassicStorage/storageAccounts/read')?.provider);
    assert.equal(retired('Microsoft.Storage/storageAccounts/read'), undefined);
    assert.equal(lookup('MICROSOFT.WEB/SITES/READ')[0].lower, 'microsoft.web/sites/read');
  });
});
