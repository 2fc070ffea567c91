import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import { SdkSessionFactory } from '../../server/src/azure/clients';
import { DaemonCore, SessionCredentialSource } from '../../server/src/host/core';
import { STORE_FILE } from '../../server/src/store/store';
import type { ConnectionRecord } from '../../server/src/store/schema';

describe('daemon core', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-core-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('opens the store again after an open that failed, once the files are repaired', async () => {
    await fs.writeFile(path.join(dir, STORE_FILE), '{"schemaVersion": 4, "connections": [');
    const core = new DaemonCore({ storeDir: dir, clock: { now: () => new Date() }, sessions: new SdkSessionFactory() });
    try {
      await assert.rejects(core.open(), /not valid JSON .* no usable backup exists/);
      // The user moves the broken file aside, as the message says; the next window's initialize opens a fresh store.
      await fs.rename(path.join(dir, STORE_FILE), path.join(dir, 'broken.json'));
      const service = await core.open();
      assert.deepEqual(service.store.data.connections, []);
    } finally {
      core.close();
    }
  });

  it('asks each client for a credential, skipping one that does not answer in time', async () => {
    const asked: string[] = [];
    const silent = { sendRequest: () => { asked.push('silent'); return new Promise<never>(() => undefined); } };
    const gone = { sendRequest: () => { asked.push('gone'); throw new Error('connection closed'); } };
    const answering = { sendRequest: async () => { asked.push('answering'); return { secret: 'from the second window' } as P.CredentialResult; } };
    const source = new SessionCredentialSource(() => [silent, gone, answering] as never[], 50);
    const c = { id: 'c1', name: 'One', credentialKind: 'secret' } as ConnectionRecord;
    const t0 = Date.now();
    assert.deepEqual(await source.get(c), { secret: 'from the second window', certificatePem: undefined });
    assert.deepEqual(asked, ['silent', 'gone', 'answering']);
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('recomputes the synced roles after a sync or a revoke, not after an export or an organization edit', () => {
    const core = new DaemonCore({ storeDir: dir, clock: { now: () => new Date() }, sessions: new SdkSessionFactory() });
    const reasons: string[] = [];
    const refresh = core.tenantRoles.refresh.bind(core.tenantRoles);
    core.tenantRoles.refresh = () => { reasons.push('refresh'); return refresh(); };
    for (const reason of ['export', 'organizations', 'stale', 'sync', 'revoke', 'scheduled-sync']) {
      reasons.push(reason);
      core.changed(reason);
    }
    assert.deepEqual(reasons, ['export', 'organizations', 'stale', 'sync', 'refresh', 'revoke', 'refresh', 'scheduled-sync', 'refresh']);
    core.close();
  });
});
