import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';

const H = 3_600_000;

describe('daemon: scheduled syncs (fake clock and timer)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  let now = Date.parse('2026-03-01T08:00:00Z');
  const clock = { now: () => new Date(now) };
  const storeFile = async () => JSON.parse(await fs.readFile(`${d.storeDir}/rampart.json`, 'utf8'));
  async function until(what: string, cond: () => Promise<boolean> | boolean): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  beforeEach(async () => { emu = await startEmulator({ scenario: scenario() }); });
  afterEach(async () => {
    await d.stop();
    await emu.stop();
    await fs.rm(d.storeDir, { recursive: true, force: true });
  });

  it('syncs on the cadence, joins a sync already running, and runs a missed schedule at start', async () => {
    d = await startDaemon({ clock, random: () => 0, initializationOptions: { sync: { schedule: 'every-6-hours' } } });
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Scheduled', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: SECRET });
    const [first] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(first.status, 'succeeded', first.error);
    assert.deepEqual(d.timer.armed, [6 * H], 'next scheduled sync 6 hours after the last run');
    const status = await d.client.sendRequest(P.Status.type);
    assert.equal(status.schedule, 'every 6 hours');
    assert.equal(status.nextScheduledSyncAt, new Date(now + 6 * H).toISOString());

    // Six hours later the timer fires; a client asking at the same moment joins the scheduled run.
    now += 6 * H;
    d.progress.length = 0;
    d.timer.fire();
    const [joined] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(joined.status, 'succeeded', joined.error);
    await until('the scheduled sync to be committed', () => d.storeChanged.includes('scheduled-sync'));
    let data = await storeFile();
    assert.equal(data.runs.length, 2, 'one run, not two');
    assert.equal(data.runs[1].id, joined.id);
    assert.ok(d.progress.some((p) => p.runId === joined.id), 'the scheduled run shows progress like any other');

    // The daemon is down through the next slot: at start the missed schedule runs without the timer.
    await d.stop();
    now += 7 * H;
    d = await startDaemon({ storeDir: d.storeDir, clock, random: () => 0, initializationOptions: { sync: { schedule: 'every-6-hours' } } });
    d.secrets.set(c.id, { secret: SECRET });
    await until('the missed schedule to run', async () => (await storeFile()).runs.length === 3 && d.storeChanged.includes('scheduled-sync'));
    data = await storeFile();
    assert.equal(data.runs[2].status, 'succeeded', data.runs[2].error);
    assert.equal(data.runs[2].startedAt, new Date(now).toISOString());
  });

  it('"off" schedules nothing', async () => {
    d = await startDaemon({ clock, initializationOptions: { sync: { schedule: 'off' } } });
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Manual', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    assert.ok(c.id);
    assert.deepEqual(d.timer.armed, []);
    assert.equal((await d.client.sendRequest(P.Status.type)).schedule, 'off');
  });
});
