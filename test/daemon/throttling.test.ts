import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';
import { FAST_THROTTLE, startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, SUB_A, SUB_B, TENANT, emulatorCloud, scenario } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: ARM throttling against the emulator', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  async function setUp(sc: Scenario = scenario(), throttle = FAST_THROTTLE): Promise<string> {
    emu = await startEmulator({ scenario: sc });
    d = await startDaemon({ throttle });
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Throttled', tenantId: TENANT, clientId: APP, credentialKind: 'secret', subscriptions: [SUB_A, SUB_B],
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: SECRET });
    return c.id;
  }
  const sync = async (connectionId: string) => (await d.client.sendRequest(P.Sync.type, { connectionId }))[0];

  afterEach(async () => {
    await d?.stop();
    await emu?.stop();
    if (d) await fs.rm(d.storeDir, { recursive: true, force: true });
  });

  it('rides out a storm of 429s without Retry-After (which the SDK alone gives up on) and the sync succeeds', async () => {
    const id = await setUp();
    emu.addFault({ route: 'resourcegroups$', status: 429, times: 4 });
    emu.addFault({ route: 'roleassignments$', status: 429, times: 3 });
    const run = await sync(id);
    assert.equal(run.status, 'succeeded', run.error);
    const storm = emu.requests.filter((r) => r.status === 429);
    assert.equal(storm.length, 7);
    assert.equal(run.counts.resourceGroups, 8);
  });

  it('a persistent 429 fails the sync with the throttled message after bounded attempts', async () => {
    const id = await setUp();
    emu.addFault({ route: `${SUB_A}/providers/Microsoft.Authorization/roleAssignments$`, status: 429 });
    const run = await sync(id);
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'throttled');
    assert.match(run.error!, /throttled .*\(429\) and retries ran out/);
    const hits = emu.requests.filter((r) => r.status === 429);
    assert.equal(hits.length, FAST_THROTTLE.maxRetries + 1, 'one first try and maxRetries retries, no more');
  });

  it('an emulated per-subscription token bucket answering 429 without Retry-After is ridden out', async () => {
    const sc = { ...scenario(), throttle: { burst: 6, refillPerSecond: 20, retryAfter: false } };
    const id = await setUp(sc, { ...FAST_THROTTLE, lowWatermark: 5, slowDelayMs: 20, maxRetries: 8 });
    const run = await sync(id);
    assert.equal(run.status, 'succeeded', run.error);
    const ok = emu.requests.filter((r) => r.status === 200 && /^\/subscriptions\//.test(r.path));
    assert.ok(ok.length > 12, `more reads than a burst per subscription (${ok.length})`);
    assert.ok(emu.requests.some((r) => r.status === 429), 'the bucket ran dry at least once');
  });

  it('slows down when x-ms-ratelimit-remaining-subscription-reads gets low', async () => {
    const gap = async (remaining?: string) => {
      const id = await setUp();
      if (remaining) emu.addFault({ route: `${SUB_A}/resourcegroups$`, headers: { 'x-ms-ratelimit-remaining-subscription-reads': remaining } });
      const run = await sync(id);
      assert.equal(run.status, 'succeeded', run.error);
      // Two pages of SUB_A's 5 groups (page size 4): the second one waits on what the first reported.
      const pages = emu.requests.filter((r) => r.path.toLowerCase() === `/subscriptions/${SUB_A}/resourcegroups`);
      assert.equal(pages.length, 2);
      const ms = pages[1].at - pages[0].at;
      await d.stop(); await emu.stop(); await fs.rm(d.storeDir, { recursive: true, force: true });
      return ms;
    };
    const fast = await gap();
    const slow = await gap('2');
    // 300 ms x (50 - 2) / 50 = 288 ms of pacing
    assert.ok(slow >= 250, `paced: ${slow} ms between pages`);
    assert.ok(slow - fast >= 200, `slower than unpaced (${fast} ms vs ${slow} ms)`);
    emu = undefined as unknown as EmulatorHandle; d = undefined as unknown as TestDaemon;
  });
});
