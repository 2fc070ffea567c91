/**
 * rampart.sync.resourceGraphThreshold through the daemon: the same connection synced by enumeration, then (after
 * rampart/configure lowers the threshold) through Azure Resource Graph, records no new evidence: every observation
 * has the fingerprint it had.
 */
import { strict as assert } from 'node:assert';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, TENANT, connectAndSync, emulatorCloud, scenario } from './fixtures';
import { startDaemon, type TestDaemon } from './harness';
import { rampart } from './cli-process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

process.env.NO_PROXY = '127.0.0.1,localhost';
const isGraph = (r: { path: string }) => /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(r.path);

describe('daemon: sync through Azure Resource Graph above the threshold', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  beforeEach(async () => { emu = await startEmulator({ scenario: scenario() }); });
  afterEach(async () => { await d?.stop(); await emu?.stop(); });

  it('switches path when the setting changes, and the evidence keeps its fingerprints', async () => {
    d = await startDaemon({ initializationOptions: { sync: { schedule: 'off' } } });
    const { connection, run: first } = await connectAndSync(d, emu);
    assert.equal(emu.requests.filter(isGraph).length, 0, 'two subscriptions, default threshold 50: enumerated');

    void d.client.sendNotification(P.Configure.type, { sync: { resourceGraphThreshold: 1 } });
    const from = emu.requests.length;
    const [second] = await d.client.sendRequest(P.Sync.type, { connectionId: connection.id });
    assert.equal(second.status, 'succeeded', second.error);
    const after = emu.requests.slice(from);
    assert.ok(after.filter(isGraph).length >= 5, 'above the threshold: Resource Graph');
    assert.ok(!after.some((r) => /\/roleAssignments$/i.test(r.path)), 'no subscription enumerated');
    const { counts: a } = first;
    const { counts: b } = second;
    assert.deepEqual([b.subscriptions, b.resourceGroups, b.roleAssignments, b.evidence], [a.subscriptions, a.resourceGroups, a.roleAssignments, a.evidence]);
    assert.equal(b.newEvidence, 0, 'every observation matched an existing row by fingerprint');
  });

  it('takes the threshold from initializationOptions, and fails a sync Resource Graph keeps throttling as throttled', async () => {
    d = await startDaemon({ initializationOptions: { sync: { schedule: 'off', resourceGraphThreshold: 0 } } });
    emu.addFault({ route: 'ResourceGraph', status: 429 });
    const c = await d.client.sendRequest(P.Connect.type, { name: 'T', tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: emulatorCloud(emu) });
    d.secrets.set(c.id, { secret: SECRET });
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'throttled');
    assert.ok(emu.requests.filter(isGraph).length > 1, 'retried before giving up');
  });

  it('the CLI takes the threshold from RAMPART_RESOURCE_GRAPH_THRESHOLD', async () => {
    const store = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-cli-arg-'));
    try {
      const target = ['--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile];
      const c = await rampart(['connect', '--store', store, '--name', 'P', '--tenant', TENANT, '--client-id', APP, ...target], { AZURE_CLIENT_SECRET: SECRET, RAMPART_RESOURCE_GRAPH_THRESHOLD: '1' });
      assert.equal(c.code, 0, c.stderr);
      assert.ok(emu.requests.filter(isGraph).length >= 5, 'two subscriptions, threshold 1: Resource Graph');
      const bad = await rampart(['sync', '--store', store], { AZURE_CLIENT_SECRET: SECRET, RAMPART_RESOURCE_GRAPH_THRESHOLD: 'many' });
      assert.equal(bad.code, 0, bad.stderr);
      assert.match(bad.stderr, /resourceGraphThreshold: 'many' is not a whole number/);
    } finally {
      await fs.rm(store, { recursive: true, force: true });
    }
  });
});
