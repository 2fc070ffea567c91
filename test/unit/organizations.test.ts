import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { computeGrade, letterOf, severityOf } from '../../server/src/evidence/grade';
import type { OrganizationNode } from '../../server/src/protocol';
import { DAY, SUB, SYNCED, fixture, flatten } from './organizations-fixture';

describe('organizations and grades', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeEach(async () => { f = await fixture(); });
  afterEach(async () => { await fs.rm(f.dir, { recursive: true, force: true }); });

  it('rolls coverage, findings and grade up a three-level tree', () => {
    const tree = f.orgs.tree();
    assert.equal(tree.length, 1);
    const [group] = tree;
    const sub = group.children[0];
    const leaf = sub.children[0];
    assert.deepEqual([group.name, sub.name, leaf.name], ['Group', 'Subsidiary', 'Subsidiary Azure']);
    assert.deepEqual([group.connections, sub.connections, leaf.connections].map((c) => c.map((x) => x.id)), [['conn-a'], ['conn-b'], ['conn-c']]);
    // Findings: the leaf sees its own, the middle its own and the leaf's, the root all three.
    assert.deepEqual([group, sub, leaf].map((n) => n.grade.findings), [3, 2, 1]);
    const types = (n: OrganizationNode) => n.grade.deductions.map((d) => d.type).sort();
    assert.deepEqual(types(group), ['key-vault-key', 'role-assignment', 'storage-account']);
    assert.deepEqual(types(sub), ['key-vault-key', 'storage-account']);
    assert.deepEqual(types(leaf), ['storage-account']);
    assert.ok(group.grade.score < sub.grade.score && sub.grade.score < leaf.grade.score, 'each level adds findings');
    assert.equal(leaf.grade.score, 90, 'public blob access is high: 10 points');
    assert.equal(sub.grade.score, 85, 'a key that never expires is medium: 5 points');
    assert.equal(group.grade.score, 75);
    assert.equal(group.grade.letter, 'C');
    // Coverage: the root's evidence is the union of all three connections'.
    const cc66 = (n: OrganizationNode) => n.coverage.find((c) => c.control === 'CC6.6')!;
    assert.deepEqual(cc66(group).presentTypes.sort(), ['public-ip', 'resource-group', 'storage-account']);
    assert.deepEqual(cc66(leaf).presentTypes.sort(), ['public-ip', 'storage-account']);
    assert.ok(group.coveragePercent >= 0 && group.coveragePercent <= 100);
  });

  it('explains every grade: deduction points sum to 100 minus the score', () => {
    for (const n of flatten(f.orgs.tree())) {
      assert.equal(n.grade.deductions.reduce((s, d) => s + d.points, 0), 100 - n.grade.score, n.name);
      for (const d of n.grade.deductions) assert.ok(d.control && d.finding && d.points > 0);
    }
    // Many findings: control caps and the 100-point floor still explain the score exactly.
    const many = Array.from({ length: 60 }, (_, i) => ({
      id: `e${i}`, connectionId: 'c', tenantId: 't', type: i % 2 ? 'storage-account' : 'role-assignment', subject: `s${i}`,
      observedAt: SYNCED, lastSeenAt: SYNCED, status: 'fail' as const, reason: 'Anonymous (public) blob access; it can grant access to anyone',
      controls: i % 2 ? ['CC6.1', 'CC6.6'] : ['CC6.1', 'CC6.2', 'CC6.3'], data: {}, fingerprint: `f${i}`, runId: 'r',
    }));
    const g = computeGrade(many);
    assert.equal(g.deductions.reduce((s, d) => s + d.points, 0), 100 - g.score);
    assert.equal(g.score, 25, 'CC7.1 (15) and CC6.7 (10) are untouched');
    assert.ok(g.capped > 0);
  });

  it('letters and severities come from one table', () => {
    assert.deepEqual([100, 90, 89, 80, 79, 70, 69, 60, 59, 0].map(letterOf), ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'F', 'F']);
    assert.equal(severityOf({ type: 'role-assignment', reason: 'User u holds Owner at /subscriptions/s: it can grant access to anyone.' }), 'high');
    assert.equal(severityOf({ type: 'storage-account', reason: 'Anonymous (public) blob access is allowed.' }), 'high');
    assert.equal(severityOf({ type: 'key-vault-key', reason: "Key 'k' has a rotation policy that never rotates it (notify only)." }), 'medium');
    assert.equal(severityOf({ type: 'something-new', reason: 'anything' }), 'low');
  });

  it('a new asset inside its grace period does not lower the grade; it does once the period ends (injected clock)', async () => {
    const id = `${SUB}/Microsoft.Storage/storageAccounts/stnew`.toLowerCase();
    await f.store.update((d) => {
      d.assets.push({ connectionId: 'conn-c', tenantId: 't', id, kind: 'storage-account', state: 'pending-add', firstSeenAt: SYNCED, lastSeenAt: SYNCED, pendingSince: SYNCED });
    });
    const leaf = () => flatten(f.orgs.tree()).find((n) => n.name === 'Subsidiary Azure')!;
    f.setNow(new Date(Date.parse(SYNCED) + 10 * DAY));
    assert.equal(leaf().grade.score, 100);
    assert.equal(leaf().grade.inGrace, 1);
    assert.equal(f.orgs.grade('Group').grade.score, 85, 'the root does not pay for it either');
    f.setNow(new Date(Date.parse(SYNCED) + 61 * DAY));
    assert.equal(leaf().grade.score, 90);
    assert.equal(leaf().grade.inGrace, 0);
  });

  it('refuses duplicate names and unknown parents; a revoked connection leaves the roll-up', async () => {
    await assert.rejects(f.orgs.create({ name: 'group' }), /already exists/);
    await assert.rejects(f.orgs.create({ name: 'X', parent: 'Nope' }), /No organization 'Nope'/);
    await assert.rejects(f.orgs.attach('conn-a', 'Nope'), /No organization/);
    await f.store.update((d) => { d.connections.find((c) => c.id === 'conn-c')!.deletedAt = SYNCED; });
    assert.equal(f.orgs.grade('Group').grade.score, 85);
  });
});
