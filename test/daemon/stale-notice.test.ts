import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: evidence that turns stale with time alone', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  before(async () => { emu = await startEmulator({ scenario: scenario() }); });
  after(async () => { await emu.stop(); });
  beforeEach(async () => { d = await startDaemon(); });
  afterEach(async () => { await d.stop(); await fs.rm(d.storeDir, { recursive: true, force: true }); });

  it('tells the clients when a connection crosses the threshold, with no write to announce it', async () => {
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Stale', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: SECRET });
    assert.equal((await d.client.sendRequest(P.Sync.type, { connectionId: c.id }))[0].status, 'succeeded');
    const fresh = await d.client.sendRequest(P.Coverage.type, {});
    assert.ok(fresh.every((x) => x.state !== 'stale'));
    // 0.02 minutes = 1.2 s after the sync
    void d.client.sendNotification(P.Configure.type, { staleAfter: '0.02m' });
    const t0 = Date.now();
    while (!d.storeChanged.includes('stale') && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(d.storeChanged.includes('stale'), `a 'stale' notice arrived (got ${d.storeChanged.join(', ')})`);
    const stale = await d.client.sendRequest(P.Coverage.type, {});
    assert.ok(stale.some((x) => x.state === 'stale' && x.staleConnections.includes(c.id)));
  });
});
