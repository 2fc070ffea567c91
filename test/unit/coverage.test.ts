import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RampartService, RevokedConnectionError } from '../../server/src/core/service';
import { silentLogger } from '../../server/src/core/logger';
import { mergeEvidence, type Observation } from '../../server/src/evidence/evidence';
import { parseDuration } from '../../server/src/core/settings';
import { Store } from '../../server/src/store/store';

const DAY = 86_400_000;
const SYNCED = '2026-03-01T12:00:00.000Z';
const obs = (type: string, subject: string, status: Observation['status']): Observation => ({ type, subject, status, data: { subject } });

/** A service over a real store with one synced connection and hand-made evidence; the clock is the test's. */
async function fixture() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-coverage-'));
  const store = await Store.open(dir);
  let now = new Date(Date.parse(SYNCED) + DAY);
  const service = new RampartService({
    store, clock: { now: () => now }, log: silentLogger, credentials: { get: async () => undefined },
    sessions: { create: async () => { throw new Error('no Azure in this test'); } },
  });
  const conn = await service.connect({ name: 'Prod', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', credentialKind: 'secret', cloud: { name: 'AzureCloud' } });
  await store.update((d) => {
    d.connections[0].lastSyncAt = SYNCED;
    d.connections[0].status = 'active';
    mergeEvidence(d.evidence, [
      obs('role-assignment', 'ra1', 'pass'), obs('resource-group', 'rg1', 'pass'), obs('secure-score', 'score', 'fail'),
      obs('storage-account', 'st1', 'unknown'), obs('public-ip', 'ip1', 'pass'), obs('key-vault-key', 'k1', 'pass'),
    ], { connectionId: conn.id, tenantId: 'contoso.onmicrosoft.com', runId: 'run_1', at: SYNCED });
  });
  return { dir, store, service, conn, setNow: (d: Date) => { now = d; } };
}

describe('coverage, staleness, frameworks and revoke', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeEach(async () => { f = await fixture(); });
  afterEach(async () => { await fs.rm(f.dir, { recursive: true, force: true }); });
  const state = (control: string, framework?: string) => f.service.coverage({ framework }).find((c) => c.control === control)!;

  it('fresh evidence: covered, partial, failing and none by what is present and passing', () => {
    assert.equal(state('CC6.7').state, 'covered');
    assert.equal(state('CC7.1').state, 'failing');
    const cc66 = state('CC6.6');
    assert.equal(cc66.state, 'partial', 'storage evidence is unknown, which never counts as passing');
    assert.deepEqual(cc66.passingTypes.sort(), ['public-ip', 'resource-group']);
    assert.equal(cc66.unknownCount, 1);
    assert.deepEqual(cc66.freshTypes.sort(), ['public-ip', 'resource-group', 'storage-account']);
  });

  it('turns stale after 2 days without a successful sync, and back with a longer threshold', () => {
    f.setNow(new Date(Date.parse(SYNCED) + 2 * DAY + 60_000));
    for (const c of f.service.coverage()) {
      assert.equal(c.state, 'stale', c.control);
      assert.deepEqual(c.staleConnections, [f.conn.id]);
      assert.deepEqual(c.freshTypes, []);
      assert.equal(c.percent, 0);
    }
    f.service.configure({ staleAfter: '3d' });
    assert.equal(state('CC6.7').state, 'covered');
    f.service.configure({ staleAfter: 'soon' });
    assert.equal(f.service.settings.staleAfterMs, 3 * DAY, 'an invalid value keeps the previous one');
    assert.equal(parseDuration('36h'), 1.5 * DAY);
    assert.equal(parseDuration(2), 2 * DAY);
  });

  it('maps the same evidence to ISO/IEC 27001:2022 Annex A', () => {
    const iso = f.service.coverage({ framework: 'iso27001' });
    assert.ok(iso.every((c) => c.framework === 'iso27001'));
    assert.equal(state('A.5.9', 'iso27001').state, 'covered', 'resource groups and the public IP pass');
    assert.equal(state('A.5.15', 'iso27001').state, 'partial', 'role assignments pass; storage is unknown; no custom roles');
    assert.equal(state('A.8.8', 'iso27001').state, 'failing', 'the secure score');
    assert.deepEqual(state('A.8.24', 'iso27001').expectedTypes.sort(), ['key-vault', 'key-vault-key', 'storage-account']);
    assert.throws(() => f.service.coverage({ framework: 'nist' }), /Unknown framework/);
  });

  it('revoke: no more syncs, history kept and flagged, audit row written', async () => {
    const revoked = await f.service.revoke('Prod');
    assert.ok(revoked.deletedAt);
    assert.equal(revoked.pruneAfter!.slice(0, 10), new Date(Date.parse(revoked.deletedAt!) + 365 * DAY).toISOString().slice(0, 10));
    await assert.rejects(f.service.sync('Prod'), RevokedConnectionError);
    assert.deepEqual(await f.service.sync(undefined), [], 'sync all skips revoked connections');
    assert.ok(f.service.coverage().every((c) => c.state === 'none'), 'revoked evidence leaves current coverage');
    const history = f.service.evidenceRows({ control: 'CC6.1', type: 'role-assignment', connectionId: f.conn.id });
    assert.equal(history.length, 1);
    assert.equal(history[0].revoked, true);
    // The Evidence view asks for revoked history too: counted apart, never as failing or unknown posture.
    assert.deepEqual(f.service.evidenceSummary(), []);
    const summary = f.service.evidenceSummary({ includeRevoked: true }).flatMap((c) => c.types);
    assert.ok(summary.length > 0 && summary.every((t) => t.revoked === t.count && t.failing === 0 && t.unknown === 0));
    assert.equal(f.service.evidenceRows({ control: 'CC6.1', type: 'role-assignment' }).length, 0);
    assert.deepEqual(f.service.evidenceRows({ control: 'CC6.1', type: 'role-assignment', includeRevoked: true }).map((r) => r.revoked), [true]);
    assert.equal(f.store.data.evidence.length, 6);
    assert.equal(f.store.data.audit.at(-1)!.action, 'revoke');
    assert.ok(f.service.verifyAudit().ok);
  });

  it('prunes a revoked connection after the retention window, keeping the audit chain valid', async () => {
    const at = Date.parse((await f.service.revoke(f.conn.id)).deletedAt!);
    f.setNow(new Date(at + 364 * DAY));
    assert.deepEqual(await f.service.prune(), []);
    f.setNow(new Date(at + 366 * DAY));
    assert.deepEqual(await f.service.prune(), [f.conn.id]);
    assert.equal(f.store.data.connections.length, 0);
    assert.equal(f.store.data.evidence.length, 0);
    assert.deepEqual(f.store.data.audit.map((a) => a.action), ['connect', 'revoke', 'prune']);
    assert.ok(f.service.verifyAudit().ok);
  });
});
