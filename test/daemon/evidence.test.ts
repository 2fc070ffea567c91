import { strict as assert } from 'node:assert';
import * as P from '../../server/src/protocol';
import type { EmulatorHandle } from '../emulator/emulator';
import { keyVault, publicIp } from '../emulator/scenarios/posture-builders';
import { readStoreFiles } from '../../server/src/store/segmented-file';
import type { TestDaemon } from './harness';
import { SUB_A, TENANT, connectAndSync as connectTestApp } from './fixtures';
import { scenarioWithPublicBlob, useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';
const DAY = 86_400_000;

describe('daemon: posture evidence, staleness and revoke over LSP', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  let now: Date;

  const connectAndSync = async (): Promise<P.ConnectionSummary> => (await connectTestApp(d, emu)).connection;
  const coverage = async (framework?: string) => new Map((await d.client.sendRequest(P.Coverage.type, { framework })).map((c) => [c.control, c]));

  beforeEach(() => { now = new Date(); });
  useEmulatorAndDaemon((e, x) => { emu = e; d = x; }, {
    scenario: () => {
      const s = scenarioWithPublicBlob();
      const a = s.subscriptions.find((x) => x.id === SUB_A)!;
      a.keyVaults = [keyVault('kv-a', 'a-rg-1', 'eastus', TENANT, { enableSoftDelete: true }, [{ name: 'k1', expires: '2030-01-01T00:00:00Z', rotateAfter: 'P90D' }])];
      a.publicIpAddresses = [publicIp('pip-a', 'a-rg-2', 'eastus', '20.1.2.3')];
      return s;
    },
    daemon: () => ({ clock: { now: () => now }, initializationOptions: { staleAfter: '36h' } }),
  });

  it('collects posture evidence and reports coverage with failing and unknown rows', async () => {
    const c = await connectAndSync();
    const [listed] = await d.client.sendRequest(P.ListConnections.type);
    assert.deepEqual([listed.recentRuns[0].counts.storageAccounts, listed.recentRuns[0].counts.vaultKeys, listed.recentRuns[0].counts.publicIps], [1, 1, 1]);
    const cov = await coverage();
    assert.equal(cov.get('CC6.6')!.state, 'partial');
    assert.ok(cov.get('CC6.6')!.failingCount >= 2, 'public blob access and the orphaned IP');
    assert.equal(cov.get('CC6.1')!.unknownCount, 1, 'the vault without purge protection/RBAC/network fields');
    const rows = await d.client.sendRequest(P.EvidenceRows.type, { control: 'CC6.1', type: 'storage-account', connectionId: c.id });
    assert.equal(rows[0].status, 'fail');
    assert.match(rows[0].reason!, /Anonymous/);
    const iso = await coverage('iso27001');
    assert.ok(iso.has('A.8.24'));
  });

  it('coverage turns stale when the connection has not synced within staleAfter (injected clock and settings)', async () => {
    await connectAndSync();
    now = new Date(now.getTime() + 1.6 * DAY);
    assert.equal((await coverage()).get('CC6.7')!.state, 'stale', 'initializationOptions set 36h');
    now = new Date(now.getTime() + 1.4 * DAY);
    void d.client.sendNotification(P.Configure.type, { staleAfter: '5d' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await coverage()).get('CC6.7')!.state, 'covered');
    const [run] = await d.client.sendRequest(P.Sync.type, {});
    assert.equal(run.status, 'succeeded');
    void d.client.sendNotification(P.Configure.type, { staleAfter: '1d' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await coverage()).get('CC6.7')!.state, 'covered', 'a fresh sync is never stale');
  });

  it('revoke keeps history, stops syncs, and the audit log still verifies', async () => {
    const c = await connectAndSync();
    const before = await readStoreFiles(d.storeDir);
    const revoked = await d.client.sendRequest(P.Revoke.type, { connectionId: c.id });
    assert.ok(revoked.deletedAt);
    assert.ok(d.storeChanged.includes('revoke'));
    await assert.rejects(d.client.sendRequest(P.Sync.type, { connectionId: c.id }), /revoked/);
    const after = await readStoreFiles(d.storeDir);
    assert.equal(after.evidence.length, before.evidence.length);
    assert.equal(after.runs.length, before.runs.length);
    const [listed] = await d.client.sendRequest(P.ListConnections.type);
    assert.equal(listed.deletedAt, revoked.deletedAt);
    assert.ok((await d.client.sendRequest(P.Coverage.type, {})).every((x) => x.state === 'none'));
    const history = await d.client.sendRequest(P.EvidenceRows.type, { control: 'CC6.1', type: 'role-assignment', connectionId: c.id });
    assert.ok(history.length > 0 && history.every((r) => r.revoked));
    const audit = await d.client.sendRequest(P.VerifyAudit.type);
    assert.deepEqual([audit.ok, audit.rows], [true, 3]);
  });
});
