import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import type { EmulatorHandle } from '../emulator/emulator';
import type { TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud } from './fixtures';
import { useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: credentials updated (re-auth)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  const store = async () => JSON.parse(await fs.readFile(path.join(d.storeDir, 'rampart.json'), 'utf8'));

  useEmulatorAndDaemon((e, x) => { emu = e; d = x; });

  it('records a re-auth audit row; the connection leaves needs-credentials at the next successful sync', async () => {
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Expiring', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: 'not-the-secret' });
    const [failed] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(failed.errorCode, 'wrong-secret');
    assert.equal((await d.client.sendRequest(P.ListConnections.type))[0].status, 'needs-credentials');

    // What Update Credentials does: store the new secret, tell the daemon, sync.
    d.secrets.set(c.id, { secret: SECRET });
    const updated = await d.client.sendRequest(P.CredentialsUpdated.type, { connectionId: c.id });
    assert.equal(updated.status, 'needs-credentials', 'not active before a sync proves the new credential');
    const audit = (await store()).audit;
    const row = audit.at(-1);
    assert.equal(row.action, 're-auth');
    assert.equal(row.connectionId, c.id);
    assert.equal(row.details.previousStatus, 'needs-credentials');
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(SECRET), 'the secret is never audited');
    assert.ok(d.storeChanged.includes('re-auth'));

    const [ok] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(ok.status, 'succeeded', ok.error);
    const [conn] = await d.client.sendRequest(P.ListConnections.type);
    assert.equal(conn.status, 'active');
    assert.equal(conn.statusDetail, undefined);
    assert.deepEqual((await store()).audit.map((a: { action: string }) => a.action), ['connect', 'sync-failure', 're-auth', 'sync']);
    assert.equal((await d.client.sendRequest(P.VerifyAudit.type)).ok, true, 'the chain holds');
  });

  it('refuses an unknown or revoked connection', async () => {
    await assert.rejects(d.client.sendRequest(P.CredentialsUpdated.type, { connectionId: 'conn_nope' }), /No connection/);
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Gone', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    await d.client.sendRequest(P.Revoke.type, { connectionId: c.id });
    await assert.rejects(d.client.sendRequest(P.CredentialsUpdated.type, { connectionId: c.id }), /revoked/);
  });
});
