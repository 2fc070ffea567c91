import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { verifyAudit } from '../../server/src/core/audit';
import { silentLogger } from '../../server/src/core/logger';
import { PermissionError } from '../../server/src/core/roles';
import { RampartService } from '../../server/src/core/service';
import { Store } from '../../server/src/store/store';

const NEW = { name: 'Prod', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', credentialKind: 'secret' as const, cloud: { name: 'AzureCloud' as const } };

describe('roles (core/roles.ts)', () => {
  let dir: string;
  let user = 'alice';
  const service = (store: Store) => new RampartService({
    store, clock: { now: () => new Date('2025-01-02T03:04:05Z') }, log: silentLogger, credentials: { get: async () => undefined },
    sessions: { create: async () => { throw new Error('no Azure in this test'); } }, user: () => user,
  });
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-roles-')); user = 'alice'; });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('whoever first opens a store (new, or from before roles) becomes its only admin', async () => {
    const store = await Store.open(dir);
    assert.equal(store.data.roles, undefined);
    await service(store).start();
    assert.deepEqual(store.data.roles, { admins: ['alice'], viewers: [] });
    user = 'bob';
    await service(store).start();
    assert.deepEqual(store.data.roles, { admins: ['alice'], viewers: [] });
    assert.deepEqual(service(store).roles(), { user: 'bob', role: 'viewer', admins: ['alice'], viewers: [] });
  });

  it('a viewer is refused every admin action with a clear message and a permission-denied audit row', async () => {
    const store = await Store.open(dir);
    const admin = service(store);
    await admin.start();
    const conn = await admin.connect(NEW);
    await admin.setRole({ user: 'bob', role: 'viewer' });
    user = 'bob';
    const bob = service(store);
    const attempts: [string, () => Promise<unknown>, RegExp][] = [
      ['revoke', () => bob.revoke(conn.id), /revoking a connection needs an admin/],
      ['connect', () => bob.connect({ ...NEW, name: 'Other' }), /adding a connection needs an admin/],
      ['re-credential', () => bob.credentialsUpdated(conn.id), /changing a connection's credentials/],
      ['re-credential', () => bob.createCertificate(conn.id), /changing a connection's credentials/],
      ['resume-setup', () => bob.verifyConnection(conn.id), /resuming a connection's setup/],
      ['delete', () => bob.deleteUnfinished(conn.id), /deleting a connection/],
      ['approve-assessment', () => bob.approveAssessment('whatever'), /approving an assessment/],
      ['set-role', () => bob.setRole({ user: 'bob', role: 'admin' }), /changing roles/],
    ];
    for (const [action, attempt, message] of attempts) {
      const before = store.data.audit.length;
      await assert.rejects(attempt, (e: Error) => {
        assert.ok(e instanceof PermissionError);
        assert.match(e.message, message);
        assert.match(e.message, /^'bob' is a viewer of this Rampart store: .* Ask an admin \(alice\) to run it, or to make you one with: rampart roles add-admin bob$/);
        return true;
      });
      const row = store.data.audit[store.data.audit.length - 1];
      assert.equal(store.data.audit.length, before + 1);
      assert.deepEqual([row.action, row.user, row.details.action, row.details.user], ['permission-denied', 'bob', action, 'bob']);
    }
    assert.equal(store.data.connections.length, 1);
    assert.equal(store.data.connections[0].deletedAt, undefined);
    assert.ok(verifyAudit(store.data.audit, store.data.meta.auditAnchor).ok);
    // Reading stays open to a viewer.
    assert.equal(bob.listConnections().length, 1);
    assert.doesNotThrow(() => bob.coverage());
  });

  it('a user in neither list is a viewer; admins manage roles, audited; the last admin stays', async () => {
    const store = await Store.open(dir);
    const admin = service(store);
    await admin.start();
    user = 'carol';
    await assert.rejects(service(store).revoke('x'), PermissionError);
    user = 'alice';
    await assert.rejects(admin.setRole({ user: 'alice', role: 'viewer' }), /'alice' is the last admin/);
    await assert.rejects(admin.setRole({ user: 'alice', role: 'none' }), /last admin/);
    await assert.rejects(admin.setRole({ user: 'a b', role: 'admin' }), /no spaces/);
    let view = await admin.setRole({ user: 'bob', role: 'admin' });
    assert.deepEqual(view.admins, ['alice', 'bob']);
    view = await admin.setRole({ user: 'alice', role: 'viewer' });
    assert.deepEqual([view.role, view.admins, view.viewers], ['viewer', ['bob'], ['alice']]);
    const row = store.data.audit[store.data.audit.length - 1];
    assert.deepEqual([row.action, row.user, row.details], ['role-change', 'alice', { user: 'alice', role: 'viewer', previous: 'admin' }]);
    user = 'bob';
    view = await service(store).setRole({ user: 'alice', role: 'none' });
    assert.deepEqual([view.admins, view.viewers], [['bob'], []]);
  });
});
