import { strict as assert } from 'node:assert';
import { assetsInGrace, graceMatcher, trackAssets } from '../../server/src/evidence/assets';
import { computeCoverage } from '../../server/src/evidence/coverage';
import type { AssetKind, AssetRecord, EvidenceRecord } from '../../server/src/store/schema';

const SA = '/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/new';
const OLD = '/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/old';
const KV = '/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv';
const owner = (at: string, baseline = false) => ({ connectionId: 'c', tenantId: 't', at, baseline });
const seen = (...ids: [string, AssetKind][]) => new Map(ids);
const state = (ledger: AssetRecord[], id: string) => ledger.find((a) => a.id === id)?.state;

describe('asset changes: confirmed by two daily scans', () => {
  it('the first sync is the baseline: nothing is added', () => {
    const ledger: AssetRecord[] = [];
    const ch = trackAssets(ledger, seen([OLD, 'storage-account']), owner('2026-01-01T08:00:00.000Z', true));
    assert.deepEqual(ch, { added: [], removed: [] });
    assert.equal(state(ledger, OLD), 'present');
    assert.equal(ledger[0].addedAt, undefined);
  });

  it('an asset is added only when a scan on a later day still sees it, however many scans that day', () => {
    const ledger: AssetRecord[] = [];
    trackAssets(ledger, seen([OLD, 'storage-account']), owner('2026-01-01T08:00:00.000Z', true));
    const both = seen([OLD, 'storage-account'], [SA, 'storage-account']);
    for (const h of ['09', '12', '18', '23']) {
      assert.deepEqual(trackAssets(ledger, both, owner(`2026-01-01T${h}:00:00.000Z`)).added, []);
      assert.equal(state(ledger, SA), 'pending-add');
    }
    assert.deepEqual(trackAssets(ledger, both, owner('2026-01-02T01:00:00.000Z')).added, [SA]);
    assert.equal(state(ledger, SA), 'present');
    assert.equal(ledger.find((a) => a.id === SA)!.addedAt, '2026-01-02T01:00:00.000Z');
    assert.deepEqual(trackAssets(ledger, both, owner('2026-01-03T01:00:00.000Z')).added, [], 'confirmed once');
  });

  it('an asset seen in one scan and gone at the next is no change at all', () => {
    const ledger: AssetRecord[] = [];
    trackAssets(ledger, seen(), owner('2026-01-01T08:00:00.000Z', true));
    trackAssets(ledger, seen([SA, 'storage-account']), owner('2026-01-01T09:00:00.000Z'));
    trackAssets(ledger, seen(), owner('2026-01-01T10:00:00.000Z'));
    assert.equal(ledger.length, 0);
    trackAssets(ledger, seen([SA, 'storage-account']), owner('2026-01-01T11:00:00.000Z'));
    assert.deepEqual(trackAssets(ledger, seen(), owner('2026-01-02T11:00:00.000Z')), { added: [], removed: [] });
    assert.equal(ledger.length, 0);
  });

  it('removal needs a later day\'s scan to agree; a return in between cancels it', () => {
    const ledger: AssetRecord[] = [];
    trackAssets(ledger, seen([OLD, 'storage-account']), owner('2026-01-01T08:00:00.000Z', true));
    trackAssets(ledger, seen(), owner('2026-01-01T09:00:00.000Z'));
    assert.equal(state(ledger, OLD), 'pending-remove');
    assert.deepEqual(trackAssets(ledger, seen(), owner('2026-01-01T20:00:00.000Z')).removed, [], 'same day');
    trackAssets(ledger, seen([OLD, 'storage-account']), owner('2026-01-02T09:00:00.000Z'));
    assert.equal(state(ledger, OLD), 'present', 'back: the removal was not confirmed');
    trackAssets(ledger, seen(), owner('2026-01-03T09:00:00.000Z'));
    assert.deepEqual(trackAssets(ledger, seen(), owner('2026-01-04T09:00:00.000Z')).removed, [OLD]);
    assert.equal(state(ledger, OLD), 'removed');
  });

  it('keeps connections apart', () => {
    const ledger: AssetRecord[] = [];
    trackAssets(ledger, seen([OLD, 'storage-account']), owner('2026-01-01T08:00:00.000Z', true));
    trackAssets(ledger, seen(), { ...owner('2026-01-02T08:00:00.000Z', true), connectionId: 'other' });
    assert.equal(state(ledger, OLD), 'present');
  });
});

describe('grace period of new assets', () => {
  const row = (type: string, subject: string, status: EvidenceRecord['status']): EvidenceRecord => ({
    id: `${type}:${subject}`, connectionId: 'c', tenantId: 't', type, subject, observedAt: 'x', lastSeenAt: 'x', status,
    controls: type === 'storage-account' ? ['CC6.1', 'CC6.6'] : ['CC6.1'], data: {}, fingerprint: subject, runId: 'r',
  });
  const ledger: AssetRecord[] = [
    { connectionId: 'c', tenantId: 't', id: SA, kind: 'storage-account', state: 'present', firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: 'x', addedAt: '2026-01-02T00:00:00.000Z' },
    { connectionId: 'c', tenantId: 't', id: OLD, kind: 'storage-account', state: 'present', firstSeenAt: '2025-01-01T00:00:00.000Z', lastSeenAt: 'x' },
    { connectionId: 'c', tenantId: 't', id: KV, kind: 'key-vault', state: 'pending-add', firstSeenAt: '2026-01-01T00:00:00.000Z', lastSeenAt: 'x', pendingSince: 'x' },
  ];

  it('an asset added (or pending) under gracePeriodDays ago is in grace; baseline assets never are', () => {
    assert.deepEqual([...assetsInGrace(ledger, new Date('2026-02-01T00:00:00Z'), 60)].sort(), [KV, SA].sort());
    assert.deepEqual([...assetsInGrace(ledger, new Date('2026-03-02T00:00:01Z'), 60)], []);
    assert.deepEqual([...assetsInGrace(ledger, new Date('2026-01-05T00:00:00Z'), 0)], []);
  });

  it('a new asset\'s failing rows (and its vault\'s keys) do not lower coverage until the grace ends', () => {
    const rows = [
      row('storage-account', SA.replace('storageaccounts', 'storageAccounts'), 'fail'),
      row('key-vault-key', `${KV}/keys/k1`, 'fail'),
    ];
    const during = computeCoverage(rows, { inGrace: graceMatcher(assetsInGrace(ledger, new Date('2026-02-01T00:00:00Z'), 60)) });
    const after = computeCoverage(rows, { inGrace: graceMatcher(assetsInGrace(ledger, new Date('2026-04-01T00:00:00Z'), 60)) });
    const cc61 = (c: typeof during) => c.find((x) => x.control === 'CC6.1')!;
    assert.equal(cc61(during).failingCount, 0);
    assert.equal(cc61(during).inGraceCount, 2);
    assert.ok(cc61(during).passingTypes.includes('storage-account'));
    assert.equal(cc61(after).failingCount, 2);
    assert.ok(!cc61(after).passingTypes.includes('storage-account'));
    assert.ok(cc61(during).percent > cc61(after).percent);
  });

  it('an old asset\'s failure still counts', () => {
    const cov = computeCoverage([row('storage-account', OLD, 'fail')], { inGrace: graceMatcher(assetsInGrace(ledger, new Date('2026-02-01T00:00:00Z'), 60)) });
    assert.equal(cov.find((x) => x.control === 'CC6.6')!.failingCount, 1);
  });
});
