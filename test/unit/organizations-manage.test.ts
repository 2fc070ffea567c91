/**
 * Managing the organization tree (edit, move, delete, attach and detach), each change audited in the hash-chained
 * log; and the grade weighted by the chosen framework's controls.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { verifyAudit } from '../../server/src/core/audit';
import { requireAdmin } from '../../server/src/core/roles';
import { applySettings, DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { computeGrade } from '../../server/src/evidence/grade';
import type { EvidenceRecord } from '../../server/src/store/schema';
import { SEGMENT_DIR } from '../../server/src/store/segmented-file';
import { STORE_FILE } from '../../server/src/store/store';
import { SYNCED, fixture, flatten } from './organizations-fixture';

describe('organizations: edit, move, delete, attach (audited)', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeEach(async () => { f = await fixture({}, () => 'alice'); });
  afterEach(async () => { await fs.rm(f.dir, { recursive: true, force: true }); });
  const rows = (action: string) => f.store.data.audit.filter((r) => r.action === action);
  const segmentFiles = async () => (await fs.readdir(path.join(f.dir, SEGMENT_DIR))).sort();

  it('audits creation and attachment, with the acting user, and the chain verifies', () => {
    assert.deepEqual(rows('organization-create').map((r) => [r.user, r.details.name]), [['alice', 'Group'], ['alice', 'Subsidiary'], ['alice', 'Subsidiary Azure']]);
    const attach = rows('organization-attach');
    assert.deepEqual(attach.map((r) => [r.connectionId, r.details.organization]), [['conn-a', 'Group'], ['conn-b', 'Subsidiary'], ['conn-c', 'Subsidiary Azure']]);
    assert.deepEqual(verifyAudit(f.store.data.audit, f.store.data.meta?.auditAnchor), { ok: true, rows: 6 });
  });

  it('edits fields and moves a subtree; the audit row lists each change; a cycle, a duplicate or a bad domain is refused and changes nothing', async () => {
    const before = f.store.data.audit.length;
    const o = await f.orgs.update({ organization: 'Subsidiary', name: 'Fabrikam', primaryDomain: 'fabrikam.example', description: '', visibility: 'shared', parent: null });
    assert.deepEqual([o.name, o.primaryDomain, o.description, o.visibility, o.parentId], ['Fabrikam', 'fabrikam.example', undefined, 'shared', undefined]);
    const [row] = rows('organization-update');
    assert.deepEqual(row.details.changes, {
      name: { from: 'Subsidiary', to: 'Fabrikam' }, primaryDomain: { to: 'fabrikam.example' }, description: { from: 'a subsidiary' },
      visibility: { from: 'private', to: 'shared' }, parentId: { from: f.orgs.list().find((x) => x.name === 'Group')!.id },
    });
    const roots = f.orgs.tree().map((n) => n.name);
    assert.deepEqual(roots, ['Fabrikam', 'Group'], 'moved to the top with its subsidiary');
    assert.equal(f.orgs.tree()[0].children[0].name, 'Subsidiary Azure');

    await assert.rejects(f.orgs.update({ organization: 'Fabrikam', parent: 'Subsidiary Azure' }), /'Subsidiary Azure' cannot be the parent of 'Fabrikam': it is one of its subsidiaries/);
    await assert.rejects(f.orgs.update({ organization: 'Fabrikam', parent: 'Fabrikam' }), /it is the organization itself/);
    await assert.rejects(f.orgs.update({ organization: 'Fabrikam', name: 'group' }), /An organization named 'group' already exists/);
    await assert.rejects(f.orgs.update({ organization: 'Fabrikam', primaryDomain: 'not a domain' }), /'not a domain' is not a domain/);
    await assert.rejects(f.orgs.update({ organization: 'Nope', name: 'x' }), /No organization 'Nope'/);
    assert.equal(f.store.data.audit.length, before + 1, 'refusals write nothing');
    assert.equal(f.orgs.list().find((x) => x.id === o.id)!.name, 'Fabrikam');
    // Renaming to the same name is no change: no row.
    await f.orgs.update({ organization: 'Fabrikam', name: 'Fabrikam' });
    assert.equal(f.store.data.audit.length, before + 1);
  });

  it('refuses to delete an organization with subsidiaries or live connections, saying which; deletes an empty one', async () => {
    await assert.rejects(f.orgs.delete('Group'), (e: Error) => {
      assert.equal(e.message, "Organization 'Group' still has 1 subsidiary (Subsidiary) and 1 connection(s) (conn-a): move or delete its subsidiaries and its connections to another organization first.");
      return true;
    });
    await assert.rejects(f.orgs.delete('Subsidiary Azure'), /still has 1 connection\(s\) \(conn-c\): move or delete its connections to another organization first\./);
    assert.equal(rows('organization-delete').length, 0);
    assert.equal(f.orgs.list().length, 3);

    // A revoked connection does not hold its organization: it is detached, its history kept.
    await f.store.update((d) => { d.connections.find((c) => c.id === 'conn-c')!.deletedAt = SYNCED; });
    const gone = await f.orgs.delete('Subsidiary Azure');
    assert.equal(gone.name, 'Subsidiary Azure');
    assert.deepEqual(f.orgs.list().map((o) => o.name), ['Group', 'Subsidiary']);
    assert.equal(f.store.data.connections.find((c) => c.id === 'conn-c')!.organizationId, undefined);
    assert.deepEqual(rows('organization-delete').map((r) => r.details), [{ organizationId: gone.id, name: 'Subsidiary Azure', detachedRevoked: 1 }]);
    assert.ok(verifyAudit(f.store.data.audit, f.store.data.meta?.auditAnchor).ok);
  });

  it('organization changes and a refused viewer action rewrite rampart.json only, never an evidence segment', async () => {
    const segments = await segmentFiles();
    assert.equal(segments.length, 3);
    const o = await f.orgs.create({ name: 'Other' });
    await f.orgs.update({ organization: o.id, name: 'Renamed' });
    await f.orgs.attach('conn-a', o.id);
    await f.orgs.attach('conn-a', 'Group');
    await f.orgs.delete(o.id);
    await f.store.update((d) => { d.roles = { admins: ['alice'], viewers: ['bob'] }; }, { rows: [] });
    await assert.rejects(requireAdmin(f.store, { now: () => new Date(SYNCED) }, 'bob', 'organizations'), /'bob' is a viewer/);
    assert.equal(rows('permission-denied').length, 1);
    assert.deepEqual(await segmentFiles(), segments);
  });

  it('moves and detaches a connection, audited with the previous organization; an unchanged attach writes nothing', async () => {
    const group = f.orgs.list().find((o) => o.name === 'Group')!;
    const sub = f.orgs.list().find((o) => o.name === 'Subsidiary')!;
    assert.deepEqual(await f.orgs.attach('conn-b', 'Group'), { connectionId: 'conn-b', organizationId: group.id });
    assert.deepEqual(await f.orgs.attach('conn-b', null), { connectionId: 'conn-b' });
    const n = f.store.data.audit.length;
    const file = path.join(f.dir, STORE_FILE);
    const [text, stat, segments] = [await fs.readFile(file, 'utf8'), await fs.stat(file), await segmentFiles()];
    await f.orgs.attach('conn-b', null);
    assert.equal(f.store.data.audit.length, n);
    assert.equal(await fs.readFile(file, 'utf8'), text);
    assert.equal((await fs.stat(file)).mtimeMs, stat.mtimeMs, 'rampart.json was not rewritten');
    assert.deepEqual(await segmentFiles(), segments);
    const moves = rows('organization-attach').slice(3).map((r) => r.details);
    assert.deepEqual(moves, [
      { connection: 'conn-b', organizationId: group.id, organization: 'Group', previousOrganizationId: sub.id },
      { connection: 'conn-b', previousOrganizationId: group.id },
    ]);
    const subNode = flatten(f.orgs.tree()).find((x) => x.name === 'Subsidiary')!;
    assert.deepEqual(subNode.connections, []);
    assert.equal(subNode.grade.findings, 1, 'only its child\'s finding is left');
  });
});

describe('grade weighted by the chosen framework', () => {
  const fail = (i: number, type: string, reason: string, controls: string[]): EvidenceRecord => ({
    id: `e${i}`, connectionId: 'c', tenantId: 't', type, subject: `s${i}`, observedAt: SYNCED, lastSeenAt: SYNCED,
    status: 'fail', reason, controls, data: {}, fingerprint: `f${i}`, runId: 'r',
  });
  // Three expired keys (high, 10 each): SOC 2 charges them to CC6.1 (cap 25); ISO 27001 to A.8.24 (cap 15).
  const keys = [0, 1, 2].map((i) => fail(i, 'key-vault-key', `Key k${i} expired.`, ['CC6.1']));

  it('charges findings to the framework\'s controls within their caps, and names the framework', () => {
    const soc2 = computeGrade(keys);
    const iso = computeGrade(keys, undefined, 'iso27001');
    assert.deepEqual([soc2.framework, soc2.score, soc2.deductions.map((d) => [d.control, d.points])], ['soc2', 75, [['CC6.1', 10], ['CC6.1', 10], ['CC6.1', 5]]]);
    assert.deepEqual([iso.framework, iso.score, iso.deductions.map((d) => [d.control, d.points])], ['iso27001', 85, [['A.8.24', 10], ['A.8.24', 5]]]);
    assert.equal(iso.capped, 1);
    for (const g of [soc2, iso]) assert.equal(g.deductions.reduce((s, d) => s + d.points, 0), 100 - g.score);
    assert.throws(() => computeGrade(keys, undefined, 'pci'), /Unknown framework 'pci'\. Known: soc2, iso27001\./);
  });

  it('the tree follows the rampart.framework setting unless a framework is asked for', async () => {
    const f = await fixture({ framework: 'iso27001' });
    try {
      const nodes = flatten(f.orgs.tree());
      assert.ok(nodes.every((n) => n.grade.framework === 'iso27001'));
      assert.ok(nodes.flatMap((n) => n.grade.deductions).every((d) => d.control.startsWith('A.')), 'ISO controls charged');
      assert.ok(nodes.every((n) => n.coverage.every((c) => c.framework === 'iso27001')));
      assert.ok(flatten(f.orgs.tree('soc2')).flatMap((n) => n.grade.deductions).every((d) => d.control.startsWith('CC')));
      assert.equal(f.orgs.grade('Group', 'soc2').grade.framework, 'soc2');
      assert.equal(f.orgs.grade('Group').grade.framework, 'iso27001');
    } finally {
      await fs.rm(f.dir, { recursive: true, force: true });
    }
  });

  it('rampart.framework accepts a catalog framework and warns about anything else', () => {
    const warnings: string[] = [];
    assert.equal(applySettings(DEFAULT_SETTINGS, { framework: 'iso27001' }).framework, 'iso27001');
    assert.equal(applySettings(DEFAULT_SETTINGS, { framework: 'pci' }, (m) => warnings.push(m)).framework, 'soc2');
    assert.deepEqual(warnings, ["rampart.framework: 'pci' is not a framework: use soc2 or iso27001."]);
  });
});
