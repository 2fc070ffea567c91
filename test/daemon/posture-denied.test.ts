import { strict as assert } from 'node:assert';
import * as P from '../../server/src/protocol';
import { readStoreFiles } from '../../server/src/store/segmented-file';
import type { EmulatorHandle } from '../emulator/emulator';
import { scoreControl, secureScore, storageAccount } from '../emulator/scenarios/posture-builders';
import type { TestDaemon } from './harness';
import { SUB_A, connectAndSync, scenario } from './fixtures';
import { useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: a 403 on one posture source', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  useEmulatorAndDaemon((e, x) => { emu = e; d = x; }, {
    scenario: () => {
      const s = scenario();
      const a = s.subscriptions.find((x) => x.id === SUB_A)!;
      a.secureScores = [secureScore(40, 50)];
      a.secureScoreControls = [scoreControl('mfa', 'Enable MFA', 10, 10, 3, 0)];
      a.storageAccounts = [storageAccount('stkept', 'a-rg-0', 'eastus', { allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true })];
      return s;
    },
  });

  it('the sync succeeds with a warning naming the missing role; that source is unknown, the rest synced, its evidence kept', async () => {
    const { connection, run: first } = await connectAndSync(d, emu);
    assert.equal(first.status, 'succeeded', first.error);
    assert.equal(first.warnings, undefined);
    const scoreRows = (await readStoreFiles(d.storeDir)).evidence.filter((r) => r.type === 'secure-score').map((r) => r.id);
    assert.equal(scoreRows.length, 2, 'the overall score and one control');

    emu.addFault({ route: `${SUB_A}.*secureScore`, forbidden: true });
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: connection.id });
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.warnings?.length, 1);
    assert.match(run.warnings![0], new RegExp(`secure score in subscription ${SUB_A} \\(403\\).*Security Reader`));
    assert.equal(run.counts.roleAssignments, first.counts.roleAssignments);
    assert.equal(run.counts.storageAccounts, 1);
    assert.equal(run.counts.secureScores, 0);
    const [listed] = await d.client.sendRequest(P.ListConnections.type);
    assert.deepEqual(listed.recentRuns[0].warnings, run.warnings);
    assert.equal(listed.status, 'active');

    const current = await d.client.sendRequest(P.EvidenceRows.type, { control: 'CC7.1', type: 'secure-score', connectionId: connection.id });
    assert.deepEqual(current.map((r) => r.status), ['unknown']);
    assert.match(current[0].reason!, /Security Reader/);
    assert.equal((await d.client.sendRequest(P.EvidenceRows.type, { control: 'CC6.1', type: 'storage-account', connectionId: connection.id })).length, 1);

    const store = await readStoreFiles(d.storeDir);
    for (const id of scoreRows) assert.ok(store.evidence.some((r) => r.id === id), `secure-score row ${id} kept`);
    assert.equal(store.inventory.secureScores.length, 1, 'the inventory of the denied source is kept');
    const audit = store.audit.at(-1)!;
    assert.equal(audit.action, 'sync');
    assert.deepEqual(audit.details.warnings, run.warnings);
  });

  it('a 403 on role assignments still fails the sync', async () => {
    const { connection } = await connectAndSync(d, emu);
    emu.addFault({ route: 'roleAssignments$', forbidden: true });
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: connection.id });
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'forbidden');
  });
});
