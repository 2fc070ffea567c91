import { strict as assert } from 'node:assert';
import { grantCommands, objectIdOf, roleWrites } from '../../server/src/core/setup';
import { validateScenario } from '../emulator/scenario-load';

describe('connection setup judgements', () => {
  it('a role writes when it has a wildcard or a write, delete or action operation, or is a broad built-in', () => {
    assert.equal(roleWrites({ roleName: 'Reader', permissions: [{ actions: ['*/read'] }] }), false);
    assert.equal(roleWrites({ roleName: 'Custom', permissions: [{ actions: ['Microsoft.Storage/storageAccounts/read'] }] }), false);
    assert.equal(roleWrites({ roleName: 'Custom', permissions: [{ actions: ['*'] }] }), true);
    assert.equal(roleWrites({ roleName: 'Custom', permissions: [{ actions: ['Microsoft.Compute/*'] }] }), true);
    assert.equal(roleWrites({ roleName: 'Custom', permissions: [{ actions: ['Microsoft.Storage/storageAccounts/listKeys/action'] }] }), true);
    assert.equal(roleWrites({ roleName: 'Custom', permissions: [{ dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'] }] }), true);
    assert.equal(roleWrites({ roleName: 'User Access Administrator', permissions: [] }), true);
  });

  it('reads the object id from an access token, and gives up quietly on anything else', () => {
    const token = ['e30', Buffer.from(JSON.stringify({ oid: 'abc' })).toString('base64url'), 'sig'].join('.');
    assert.equal(objectIdOf(token), 'abc');
    assert.equal(objectIdOf('not-a-jwt'), undefined);
  });

  it('names the scopes to grant: the subscriptions, the management group, or a placeholder', () => {
    assert.deepEqual(grantCommands({ clientId: 'c', subscriptions: ['s1'] }), [
      'az role assignment create --assignee c --role "Reader" --scope /subscriptions/s1',
      'az role assignment create --assignee c --role "Security Reader" --scope /subscriptions/s1',
    ]);
    assert.match(grantCommands({ clientId: 'c', subscriptions: [], managementGroup: 'mg1' })[0], /--scope \/providers\/Microsoft\.Management\/managementGroups\/mg1$/);
    assert.match(grantCommands({ clientId: 'c', subscriptions: [] })[0], /<subscription-id>/);
  });

  it('the emulator refuses a management group whose parent is unknown', () => {
    const base = { tenant: { id: 't' }, apps: [{ clientId: 'a' }], subscriptions: [] };
    assert.throws(() => validateScenario({ ...base, managementGroups: [{ id: 'x', parent: 'nope' }] }, 'test'), /parent/);
    assert.doesNotThrow(() => validateScenario({ ...base, managementGroups: [{ id: 'root' }, { id: 'x', parent: 'root' }] }, 'test'));
  });
});
