/**
 * The scheduler lives in the daemon's shared core: with two clients connected (two sessions over one DaemonCore, as
 * the socket host builds them) a due connection syncs once, and both clients see it.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../../server/src/protocol';
import { Daemon } from '../../server/src/daemon';
import { DaemonCore } from '../../server/src/host/core';
import { SdkSessionFactory } from '../../server/src/azure/clients';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { FakeTimer } from './fake-timer';
import { FAST_RETRY, FAST_THROTTLE } from './harness';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';
import { storeData, until } from './shared-daemon';

process.env.NO_PROXY = '127.0.0.1,localhost';
const H = 3_600_000;

interface Client { client: ProtocolConnection; progress: P.SyncProgress[]; storeChanged: string[]; dispose(): void }

/** One more client session on the shared core, over a pair of streams. */
async function attach(core: DaemonCore, secret?: string): Promise<Client> {
  const up = new PassThrough(), down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const session = new Daemon(server, core);
  session.register();
  server.listen();
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const c: Client = { client, progress: [], storeChanged: [], dispose: () => { client.dispose(); session.dispose(); server.dispose(); } };
  client.onRequest(P.GetCredential.type, () => (secret ? { secret } : null));
  client.onNotification(P.SyncProgressNotification.type, (p) => c.progress.push(p));
  client.onNotification(P.StoreChanged.type, (p) => c.storeChanged.push(p.reason));
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { sync: { schedule: 'every-6-hours' } } });
  await client.sendNotification('initialized', {});
  return c;
}

describe('one daemon: the scheduler with two clients', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let storeDir: string;

  before(async () => {
    emu = await startEmulator({ scenario: scenario() });
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-one-sched-'));
  });
  after(async () => {
    await emu.stop();
    await fs.rm(storeDir, { recursive: true, force: true });
  });

  it('runs a due sync once, and both clients see it', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const timer = new FakeTimer();
    const core = new DaemonCore({
      storeDir, clock: { now: () => new Date(now) }, sessions: new SdkSessionFactory(FAST_RETRY, FAST_THROTTLE),
      fallbackCredentials: { get: async () => undefined }, timer, random: () => 0,
    });
    const a = await attach(core, SECRET);
    let b: Client | undefined;
    try {
      const conn = await a.client.sendRequest(P.Connect.type, { name: 'Scheduled', tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: emulatorCloud(emu) });
      const [first] = await a.client.sendRequest(P.Sync.type, { connectionId: conn.id });
      assert.equal(first.status, 'succeeded', first.error);
      await until('the scheduler to arm', () => timer.armed.length > 0);
      // A second window connects (and initializes) with the scheduler already armed: it must not arm another.
      b = await attach(core);
      assert.deepEqual(await b.client.sendRequest(P.Status.type).then((s) => s.schedule), 'every 6 hours');
      assert.deepEqual(timer.armed, [6 * H], 'one timer, however many clients');

      now += 6 * H;
      timer.fire();
      await until('the scheduled sync', () => a.storeChanged.includes('scheduled-sync') && b!.storeChanged.includes('scheduled-sync'));
      const data = await storeData(storeDir);
      assert.equal(data.runs.length, 2, 'the due sync ran once');
      const scheduled = data.runs[1];
      assert.equal(scheduled.status, 'succeeded');
      for (const c of [a, b!]) assert.ok(c.progress.some((p) => p.runId === scheduled.id), 'both clients see the scheduled run');
      assert.deepEqual(timer.armed, [6 * H], 'armed once for the next slot');
    } finally {
      a.dispose();
      b?.dispose();
      core.close();
    }
  });
});
