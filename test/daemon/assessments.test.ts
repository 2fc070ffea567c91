import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import { osUser } from '../../server/src/core/audit';
import type { EmulatorHandle } from '../emulator/emulator';
import { storageAccount } from '../emulator/scenarios/posture-builders';
import { readStoreFiles } from '../../server/src/store/segmented-file';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, SUB_A, TENANT, emulatorCloud } from './fixtures';
import { rampart } from './cli-process';
import { scenarioWithPublicBlob, useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';
const DAY = 86_400_000;

describe('daemon: assessments freeze approved evidence; new assets are confirmed and get a grace period', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  let now: Date;
  const subA = () => emu.scenario.subscriptions.find((x) => x.id === SUB_A)!;
  const storeFile = () => readStoreFiles(d.storeDir);

  async function connect(): Promise<P.ConnectionSummary> {
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Test', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: SECRET });
    return c;
  }
  async function sync(): Promise<P.RunSummary> {
    const [run] = await d.client.sendRequest(P.Sync.type, {});
    assert.equal(run.status, 'succeeded', run.error);
    return run;
  }

  beforeEach(() => { now = new Date('2026-03-01T09:00:00.000Z'); });
  useEmulatorAndDaemon((e, x) => { emu = e; d = x; }, {
    scenario: scenarioWithPublicBlob,
    daemon: () => ({ clock: { now: () => now }, initializationOptions: { staleAfter: '400d' } }),
  });

  it('create, attach current evidence, approve (audited with the OS user); a resync that changes the resource leaves it unchanged', async () => {
    const c = await connect();
    await sync();
    const created = await d.client.sendRequest(P.CreateAssessment.type, { name: 'Q1 2026', from: '2026-01-01', to: '2026-03-31', controls: ['CC6.1', 'CC6.6'], attach: { current: true } });
    assert.equal(created.status, 'draft');
    assert.deepEqual(created.connections, [c.id]);
    assert.ok(created.evidenceCount > 10 && created.failing >= 1);
    const approved = await d.client.sendRequest(P.ApproveAssessment.type, { assessment: 'Q1 2026' });
    assert.deepEqual([approved.status, approved.approvedBy], ['approved', osUser()]);
    assert.ok(d.storeChanged.includes('assessment-approval'));
    await assert.rejects(d.client.sendRequest(P.AttachAssessmentEvidence.type, { assessment: created.id, current: true }), /approved/);
    const [listed] = await d.client.sendRequest(P.Assessments.type);
    assert.equal(listed.digest, approved.digest);

    const before = await storeFile();
    const audit = before.audit.at(-1)!;
    assert.deepEqual([audit.action, audit.user, audit.details.assessmentId, audit.details.evidenceCount], ['assessment-approval', osUser(), created.id, created.evidenceCount]);
    const frozen = new Map(before.evidence.filter((r) => approved.evidenceIds.includes(r.id)).map((r) => [r.id, r]));
    const sa = [...frozen.values()].find((r) => r.type === 'storage-account')!;
    assert.equal(sa.status, 'fail');

    // The resource is fixed and the tenant resynced the next day: the approved rows stay exactly as approved.
    (subA().storageAccounts![0].properties as Record<string, unknown>).allowBlobPublicAccess = false;
    now = new Date(now.getTime() + DAY);
    await sync();
    const after = await storeFile();
    for (const [id, row] of frozen) assert.deepEqual(after.evidence.find((r) => r.id === id), row, `row ${id} changed`);
    const current = after.evidence.filter((r) => r.subject === sa.subject && r.lastSeenAt === now.toISOString());
    assert.equal(current.length, 1, 'the new observation is a new row');
    assert.equal(current[0].data.allowBlobPublicAccess, false);
    assert.notEqual(current[0].status, 'fail');
    // Unchanged observations (role assignments) became new rows too, so the frozen ones never move.
    const ra = [...frozen.values()].find((r) => r.type === 'role-assignment')!;
    assert.equal(after.evidence.filter((r) => r.fingerprint === ra.fingerprint).length, 2);
    assert.equal((await d.client.sendRequest(P.VerifyAudit.type)).ok, true);

    // Revoke and prune: the approved rows stay.
    await d.client.sendRequest(P.Revoke.type, { connectionId: c.id });
    await d.stop();
    now = new Date(now.getTime() + 400 * DAY);
    d = await startDaemon({ storeDir: d.storeDir, clock: { now: () => now }, initializationOptions: { retentionDays: 30 } });
    await d.client.sendRequest(P.Status.type);
    const pruned = await storeFile();
    assert.deepEqual(pruned.evidence.map((r) => r.id).sort(), [...frozen.keys()].sort());
    assert.equal(pruned.audit.at(-1)!.action, 'prune');
  });

  it('a new asset counts as added after two daily scans, and its failure does not lower coverage for gracePeriodDays', async () => {
    await connect();
    await sync();
    const cc66 = async () => (await d.client.sendRequest(P.Coverage.type, {})).find((x) => x.control === 'CC6.6')!;
    const baseFailing = (await cc66()).failingCount;
    assert.ok(baseFailing >= 1, 'the baseline public account fails and is not in grace');
    subA().storageAccounts!.push(storageAccount('stnew', 'a-rg-0', 'eastus', { allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true }));
    for (const h of [1, 3, 8]) {
      now = new Date(Date.parse('2026-03-01T09:00:00.000Z') + h * 3_600_000);
      assert.equal((await sync()).counts.assetsAdded, 0, 'several scans the same day confirm nothing');
    }
    let cov = await cc66();
    assert.equal(cov.failingCount, baseFailing, 'a pending new asset does not lower coverage');
    assert.equal(cov.inGraceCount, 1);
    now = new Date('2026-03-02T07:00:00.000Z');
    assert.equal((await sync()).counts.assetsAdded, 1);
    assert.equal((await sync()).counts.assetsAdded, 0, 'confirmed once');
    const store = await storeFile();
    assert.deepEqual(store.audit.filter((a) => a.details.assetsAddedIds).map((a) => (a.details.assetsAddedIds as string[]).length), [1]);
    assert.equal((await cc66()).failingCount, baseFailing);

    now = new Date('2026-05-01T00:00:00.000Z');
    await sync();
    cov = await cc66();
    assert.equal(cov.failingCount, baseFailing + 1, 'after 60 days its failure counts');
    assert.equal(cov.inGraceCount, undefined);
    void d.client.sendNotification(P.Configure.type, { gracePeriodDays: 90 });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await cc66()).inGraceCount, 1, 'rampart.gracePeriodDays is applied');

    // Removal: gone in one scan is pending; a later day's scan confirms it.
    subA().storageAccounts!.pop();
    assert.equal((await sync()).counts.assetsRemoved, 0);
    now = new Date('2026-05-02T00:00:00.000Z');
    assert.equal((await sync()).counts.assetsRemoved, 1);
  });

  it('CLI: assessment create|attach|approve|list, then export --assessment', async () => {
    const store = d.storeDir;
    const target = ['--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile];
    const c = await rampart(['connect', '--store', store, '--name', 'Prod', '--tenant', TENANT, '--client-id', APP, ...target], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(c.code, 0, c.stderr);
    const today = new Date().toISOString().slice(0, 10);
    const created = await rampart(['assessment', 'create', '--store', store, '--name', 'Audit', '--from', '2020-01-01', '--to', today, '--control', 'CC6.1,CC6.3', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const a = JSON.parse(created.stdout) as P.AssessmentView;
    assert.equal(a.evidenceCount, 0);
    const noEvidence = await rampart(['assessment', 'approve', '--store', store, '--assessment', 'Audit']);
    assert.equal(noEvidence.code, 1);
    assert.match(noEvidence.stderr, /no evidence attached/);
    const attached = await rampart(['assessment', 'attach', '--store', store, '--assessment', a.id, '--current']);
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /now holds \d+ evidence row/);
    const approved = await rampart(['assessment', 'approve', '--store', store, '--assessment', 'Audit']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, new RegExp(`Approved 'Audit' as ${osUser()}`));
    const list = await rampart(['assessment', 'list', '--store', store]);
    assert.match(list.stdout, /Audit \(asmt_.*approved by/);
    assert.equal((await rampart(['assessment', 'bogus', '--store', store])).code, 2);

    const out = path.join(store, 'audit.jsonl');
    const exp = await rampart(['export', '--store', store, '--format', 'jsonl', '--assessment', 'Audit', '--out', out]);
    assert.equal(exp.code, 0, exp.stderr);
    const rows = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { controls?: string[]; id?: string });
    const evidence = rows.filter((r) => r.controls);
    assert.ok(evidence.length > 0);
    assert.ok(evidence.every((r) => r.controls!.some((x) => x === 'CC6.1' || x === 'CC6.3')));
    const bad = await rampart(['export', '--store', store, '--format', 'jsonl', '--assessment', 'Nope', '--out', out + '2']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /No assessment 'Nope'/);
  });
});
