import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import * as P from '../../server/src/protocol';
import type { EmulatorHandle } from '../emulator/emulator';
import { readStoreFiles } from '../../server/src/store/segmented-file';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, SUB_A, SUB_B, SUB_X, TENANT, emulatorCloud } from './fixtures';
import { useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: connect and sync against the emulator over LSP', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  const newConnection = (over: Partial<P.NewConnection> = {}): P.NewConnection => ({
    name: 'Test', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
    cloud: emulatorCloud(emu), ...over,
  });
  async function connect(over: Partial<P.NewConnection> = {}, secret = SECRET): Promise<P.ConnectionSummary> {
    const c = await d.client.sendRequest(P.Connect.type, newConnection(over));
    d.secrets.set(c.id, { secret });
    return c;
  }
  const sync = async (connectionId: string) => (await d.client.sendRequest(P.Sync.type, { connectionId }))[0];
  const store = () => readStoreFiles(d.storeDir);

  useEmulatorAndDaemon((e, x) => { emu = e; d = x; });

  it('syncs every readable subscription through the real SDKs, paging included, and builds evidence', async () => {
    const c = await connect({ subscriptions: [SUB_A, SUB_B] });
    const run = await sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(
      { s: run.counts.subscriptions, g: run.counts.resourceGroups, a: run.counts.roleAssignments },
      { s: 2, g: 8, a: 15 });
    assert.equal(run.counts.evidence, 8 + 15);
    const [listed] = await d.client.sendRequest(P.ListConnections.type);
    assert.equal(listed.status, 'active');
    assert.deepEqual(listed.subscriptions.map((s) => s.name).sort(), ['Alpha', 'Beta']);
    const summary = await d.client.sendRequest(P.EvidenceSummary.type, {});
    const cc61 = summary.find((s) => s.control === 'CC6.1')!;
    assert.equal(cc61.types[0].type, 'role-assignment');
    assert.equal(cc61.types[0].count, 15);
    assert.equal(cc61.types[0].failing, 1, 'the Owner at subscription scope is a finding');
    const rows = await d.client.sendRequest(P.EvidenceRows.type, { control: 'CC6.1', type: 'role-assignment' });
    assert.equal(rows[0].status, 'fail');
    assert.match(rows[0].label, /Owner/);
    const coverage = await d.client.sendRequest(P.Coverage.type, {});
    assert.equal(coverage.find((x) => x.control === 'CC6.7')!.state, 'covered');
    assert.equal(coverage.find((x) => x.control === 'CC6.6')!.state, 'partial', 'no storage or public IPs in this tenant');
    assert.ok(d.progress.some((p) => p.total === 14 && p.done === 14), 'progress reached the last step (7 sources x 2 subscriptions)');
    assert.ok(d.storeChanged.includes('sync'));
    // paging really happened: more than one page of role assignments was requested
    assert.ok(emu.requests.filter((r) => /roleassignments/i.test(r.path) && r.query.$skiptoken !== undefined).length > 0);
    // one warmed credential: a single token request for the whole sync
    assert.equal(emu.requests.filter((r) => /oauth2\/v2.0\/token/.test(r.path)).length, 1);
  });

  it('with no subscription list, reads what the principal can see and leaves the forbidden one out', async () => {
    const c = await connect();
    const run = await sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.counts.subscriptions, 2);
    assert.ok(!emu.requests.some((r) => r.path.toLowerCase().includes(SUB_X)));
  });

  it('a second sync of unchanged posture adds no evidence rows and moves lastSeenAt', async () => {
    const c = await connect();
    await sync(c.id);
    const before = await store();
    const run = await sync(c.id);
    assert.equal(run.counts.newEvidence, 0);
    const after = await store();
    assert.equal(after.evidence.length, before.evidence.length);
    assert.ok(after.evidence.every((r: { lastSeenAt: string; observedAt: string }) => r.lastSeenAt >= r.observedAt));
    assert.notEqual(after.evidence[0].lastSeenAt, before.evidence[0].lastSeenAt);
  });

  it('a wrong secret fails with an actionable message, marks the connection, and loses no evidence', async () => {
    const c = await connect();
    await sync(c.id);
    const before = await store();
    d.secrets.set(c.id, { secret: 'not-the-secret' });
    const run = await sync(c.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'wrong-secret');
    assert.match(run.error!, /AADSTS7000215/);
    assert.match(run.error!, /Update Credentials/);
    const after = await store();
    assert.deepEqual(after.evidence, before.evidence);
    assert.equal(after.connections[0].status, 'needs-credentials');
    assert.equal(after.audit.at(-1)?.action, 'sync-failure');
  });

  it('an expired secret, an unknown app and an unknown tenant each get their own message', async () => {
    emu.scenario.apps[0].secretExpiresAt = '2020-01-01T00:00:00Z';
    const expired = await connect({ name: 'expired' });
    assert.equal((await sync(expired.id)).errorCode, 'expired-secret');
    const unknownApp = await connect({ name: 'app', clientId: '99999999-2222-4333-8444-555555555555' });
    assert.equal((await sync(unknownApp.id)).errorCode, 'unknown-app');
    const unknownTenant = await connect({ name: 'tenant', tenantId: '99999999-0000-4000-8000-00000000c0de' });
    assert.equal((await sync(unknownTenant.id)).errorCode, 'unknown-tenant');
  });

  it('a 500 on a page of role assignments, after retries, fails and records the run and keeps the evidence', async () => {
    const c = await connect();
    await sync(c.id);
    const before = await store();
    emu.addFault({ route: 'roleAssignments', status: 500 });
    const run = await sync(c.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'service');
    assert.match(run.error!, /500/);
    const after = await store();
    assert.deepEqual(after.evidence, before.evidence);
    assert.deepEqual(after.inventory, before.inventory);
    assert.equal(after.runs.at(-1)?.status, 'failed');
    assert.ok(emu.requests.filter((r) => r.status === 500).length >= 3, 'the SDK retried before giving up');
    emu.clearFaults();
    assert.equal((await sync(c.id)).status, 'succeeded');
  });

  it('a subscription the principal may not read gives the Reader hint', async () => {
    const c = await connect({ subscriptions: [SUB_A, SUB_X] });
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'forbidden');
    assert.match(run.error!, /Reader/);
  });

  it('a dropped connection and a malformed body are reported, not crashed on', async () => {
    const c = await connect();
    emu.addFault({ route: 'resourcegroups', drop: true });
    const dropped = await sync(c.id);
    assert.equal(dropped.status, 'failed');
    assert.equal(dropped.errorCode, 'network');
    emu.clearFaults();
    emu.addFault({ route: 'resourcegroups', malformed: true });
    const malformed = await sync(c.id);
    assert.equal(malformed.status, 'failed');
    assert.equal(malformed.errorCode, 'bad-response');
  });

  it('cancelling a sync commits nothing and records it as cancelled', async () => {
    const c = await connect();
    emu.addFault({ route: 'roleAssignments', latencyMs: 3000 });
    const source = new CancellationTokenSource();
    const pending = d.client.sendRequest(P.Sync.type, { connectionId: c.id }, source.token);
    setTimeout(() => source.cancel(), 300);
    const runs = await pending;
    assert.equal(runs[0].status, 'cancelled');
    assert.equal((await store()).runs.at(-1)?.status, 'cancelled');
    const s = await store();
    assert.equal(s.evidence.length, 0);
    assert.equal(s.inventory.roleAssignments.length, 0);
  });

  it('429 with Retry-After is waited out and the sync succeeds', async () => {
    const c = await connect();
    emu.addFault({ route: 'resourcegroups', status: 429, retryAfter: 1, times: 1 });
    const run = await sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
  });

  it('the secret never reaches the store, the log or the request log', async () => {
    const c = await connect();
    await sync(c.id);
    d.secrets.set(c.id, { secret: SECRET + '-wrong' });
    await sync(c.id);
    for (const name of await fs.readdir(d.storeDir, { recursive: true })) {
      if ((await fs.stat(path.join(d.storeDir, name))).isDirectory()) continue;
      assert.doesNotMatch(await fs.readFile(path.join(d.storeDir, name), 'utf8'), new RegExp(SECRET), name);
    }
    assert.ok(d.logs.length > 0);
    assert.doesNotMatch(d.logs.join('\n'), new RegExp(SECRET));
    assert.doesNotMatch(JSON.stringify(emu.requests), new RegExp(SECRET));
  });

  it('a restart marks a run left running as interrupted', async () => {
    const c = await connect();
    await sync(c.id);
    await d.stop();
    const file = path.join(d.storeDir, 'rampart.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8'));
    data.runs.push({ id: 'run_stuck', connectionId: c.id, startedAt: new Date().toISOString(), status: 'running', counts: data.runs[0].counts });
    await fs.writeFile(file, JSON.stringify(data));
    d = await startDaemon({ storeDir: d.storeDir });
    const [conn] = await d.client.sendRequest(P.ListConnections.type);
    const stuck = conn.recentRuns.find((r) => r.id === 'run_stuck')!;
    assert.equal(stuck.status, 'failed');
    assert.equal(stuck.errorCode, 'interrupted');
  });

  it('rejects invalid connections with a clear message', async () => {
    await assert.rejects(d.client.sendRequest(P.Connect.type, newConnection({ clientId: 'nope' })), /not a GUID/);
    await connect();
    await assert.rejects(d.client.sendRequest(P.Connect.type, newConnection()), /already exists/);
    assert.ok(SUB_B);
  });
});
