import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssessmentError, approveAssessment, attachEvidence, createAssessment, frozenEvidenceIds } from '../../server/src/evidence/assessments';
import { mergeEvidence, type Observation } from '../../server/src/evidence/evidence';
import { pruneRevoked } from '../../server/src/core/retention';
import { emptyStore, SCHEMA_VERSION, type StoreData } from '../../server/src/store/schema';
import { Store, STORE_FILE } from '../../server/src/store/store';
import { storeSource } from '../../server/src/export/source';
import { resolveScope } from '../../server/src/export/query';

const obs = (subject: string, status: Observation['status'], data: Record<string, unknown> = {}): Observation =>
  ({ type: 'storage-account', subject, subscriptionId: 's', status, data: { name: subject, ...data } });
const owner = (at: string, runId = 'r') => ({ connectionId: 'c1', tenantId: 't', runId, at });

function seeded(): StoreData {
  const d = emptyStore();
  d.connections.push({ id: 'c1', name: 'Prod', tenantId: 't', clientId: 'x', credentialKind: 'secret', subscriptions: [], cloud: { name: 'AzureCloud' }, createdAt: '2026-01-01T00:00:00.000Z', status: 'active', lastSyncAt: '2026-01-10T00:00:00.000Z' });
  mergeEvidence(d.evidence, [obs('sa1', 'fail', { pub: true }), obs('sa2', 'pass')], owner('2026-01-05T00:00:00.000Z'));
  mergeEvidence(d.evidence, [obs('sa1', 'fail', { pub: true }), obs('sa2', 'pass')], owner('2026-01-10T00:00:00.000Z'));
  return d;
}

describe('assessments', () => {
  it('creates one with a period, controls and connections; attaches current evidence; approves it', () => {
    const d = seeded();
    const a = createAssessment(d, { name: 'Q1', from: '2026-01-01', to: '2026-03-31', controls: ['cc6.1'] }, new Date('2026-01-11T00:00:00Z'), 'alice');
    assert.deepEqual([a.controls, a.connections, a.from, a.to, a.status], [['CC6.1'], ['c1'], '2026-01-01T00:00:00.000Z', '2026-03-31T23:59:59.999Z', 'draft']);
    assert.equal(attachEvidence(d, a, { current: true }), 2);
    assert.equal(attachEvidence(d, a, { current: true }), 0, 'attaching again adds nothing');
    approveAssessment(d, a, new Date('2026-01-12T00:00:00Z'), 'bob');
    assert.equal(a.status, 'approved');
    assert.equal(a.approvedBy, 'bob');
    assert.match(a.digest!, /^[0-9a-f]{64}$/);
    assert.throws(() => attachEvidence(d, a, { current: true }), AssessmentError);
    assert.throws(() => approveAssessment(d, a, new Date(), 'bob'), /already approved/);
  });

  it('refuses bad input: duplicate name, unknown control, inverted period, rows out of scope, empty approval', () => {
    const d = seeded();
    const at = new Date('2026-01-11T00:00:00Z');
    createAssessment(d, { name: 'Q1', from: '2026-01-01', to: '2026-01-31' }, at, 'u');
    assert.throws(() => createAssessment(d, { name: 'q1', from: '2026-01-01', to: '2026-01-31' }, at, 'u'), /already exists/);
    assert.throws(() => createAssessment(d, { name: 'X', from: '2026-01-01', to: '2026-01-31', controls: ['CC9.9'] }, at, 'u'), /No control 'CC9.9'/);
    assert.throws(() => createAssessment(d, { name: 'Y', from: '2026-02-01', to: '2026-01-31' }, at, 'u'), /starts/);
    const late = createAssessment(d, { name: 'Later', from: '2026-06-01', to: '2026-06-30' }, at, 'u');
    assert.throws(() => attachEvidence(d, late, { evidenceIds: [d.evidence[0].id] }), /outside/);
    assert.throws(() => approveAssessment(d, late, at, 'u'), /no evidence/);
  });

  it('an approved row is frozen: a later sync adds a new row and leaves it as it was', () => {
    const d = seeded();
    const a = createAssessment(d, { name: 'Q1', from: '2026-01-01', to: '2026-01-31' }, new Date(), 'u');
    attachEvidence(d, a, { evidenceIds: [d.evidence[0].id] });
    approveAssessment(d, a, new Date(), 'u');
    const before = structuredClone(d.evidence[0]);
    // Same observation: the unfrozen twin would move lastSeenAt; the frozen one gets a new row instead.
    const r = mergeEvidence(d.evidence, [obs('sa1', 'fail', { pub: true }), obs('sa2', 'pass')], owner('2026-02-01T00:00:00.000Z', 'r2'), frozenEvidenceIds(d));
    assert.equal(r.added, 1);
    assert.deepEqual(d.evidence[0], before);
    assert.equal(d.evidence[2].lastSeenAt, '2026-02-01T00:00:00.000Z');
    assert.equal(d.evidence[2].fingerprint, before.fingerprint);
    // The next sync updates the new row, not the frozen one, and adds nothing.
    assert.equal(mergeEvidence(d.evidence, [obs('sa1', 'fail', { pub: true })], owner('2026-02-02T00:00:00.000Z', 'r3'), frozenEvidenceIds(d)).added, 0);
    assert.deepEqual(d.evidence[0], before);
    assert.equal(d.evidence[2].lastSeenAt, '2026-02-02T00:00:00.000Z');
  });

  it('prune keeps approved evidence and its connection, and removes the rest', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-asmt-'));
    try {
      const store = await Store.open(dir);
      await store.update((d) => {
        Object.assign(d, seeded());
        const a = createAssessment(d, { name: 'Q1', from: '2026-01-01', to: '2026-01-31' }, new Date(), 'u');
        attachEvidence(d, a, { evidenceIds: [d.evidence[0].id] });
        approveAssessment(d, a, new Date(), 'u');
        d.connections[0].deletedAt = '2026-01-20T00:00:00.000Z';
      });
      const kept = store.data.evidence[0].id;
      assert.deepEqual(await pruneRevoked(store, new Date('2026-02-01T00:00:00Z'), 5), ['c1']);
      assert.deepEqual(store.data.evidence.map((r) => r.id), [kept]);
      assert.ok(store.data.connections[0].prunedAt);
      assert.equal(store.data.audit.at(-1)!.details.keptApprovedEvidence, 1);
      assert.deepEqual(await pruneRevoked(store, new Date('2026-03-01T00:00:00Z'), 5), [], 'pruned once');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('the export engine reads the assessment: connections, controls and period', () => {
    const d = seeded();
    createAssessment(d, { name: 'Q1', from: '2026-01-01', to: '2026-01-31', controls: ['CC6.6'] }, new Date(), 'u');
    const scope = resolveScope(storeSource(d), { assessment: 'Q1' });
    assert.deepEqual([scope.assessment?.name, scope.controls, scope.connections.map((c) => c.id), scope.from, scope.to],
      ['Q1', ['CC6.6'], ['c1'], '2026-01-01T00:00:00.000Z', '2026-01-31T23:59:59.999Z']);
  });
});

describe('store schema 3 migration', () => {
  it('adds assessments and seeds the asset ledger from the inventory as baseline', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-mig-'));
    try {
      const v2 = {
        schemaVersion: 2, connections: [{ id: 'c1', name: 'P', lastSyncAt: '2026-01-01T00:00:00.000Z' }], runs: [], evidence: [], audit: [], meta: {},
        inventory: { storageAccounts: [{ id: '/Subscriptions/S/rg/SA', connectionId: 'c1', tenantId: 't' }], keyVaults: [], publicIps: [] },
      };
      await fs.writeFile(path.join(dir, STORE_FILE), JSON.stringify(v2));
      const store = await Store.open(dir);
      assert.equal(store.data.schemaVersion, SCHEMA_VERSION);
      assert.ok(SCHEMA_VERSION >= 3);
      assert.deepEqual(store.data.assessments, []);
      assert.deepEqual(store.data.assets, [{ connectionId: 'c1', tenantId: 't', id: '/subscriptions/s/rg/sa', kind: 'storage-account', state: 'present', firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:00:00.000Z' }]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
