import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, STORE_FILE } from '../../server/src/store/store';
import { SEGMENT_DIR } from '../../server/src/store/segmented-file';
import { StoreCorruptError } from '../../server/src/store/atomic-file';
import { StoreVersionError } from '../../server/src/store/migrations';
import { emptyInventory, type EvidenceRecord, type StoreData } from '../../server/src/store/schema';

const row = (connectionId: string, n: number): EvidenceRecord => ({
  id: `ev_${connectionId}_${n}`, connectionId, tenantId: 't', type: 'resource-group', subject: `/subscriptions/s/resourceGroups/rg${n}`,
  observedAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:00:00.000Z', status: 'pass', controls: ['CC6.6'], data: { n }, fingerprint: `fp${n}`, runId: 'r1',
});
const sub = (connectionId: string) => ({ connectionId, tenantId: 't', id: `/subscriptions/${connectionId}`, subscriptionId: connectionId, name: connectionId, state: 'Enabled' });

/** A store as Rampart wrote it at schema version 3: everything in rampart.json. */
function v3(): Record<string, unknown> {
  return {
    schemaVersion: 3, connections: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], runs: [], audit: [], meta: {}, assessments: [], assets: [],
    evidence: [row('a', 1), row('b', 2), row('a', 3)],
    inventory: { ...emptyInventory(), subscriptions: [sub('a'), sub('b')] },
  };
}

describe('store segments', () => {
  let dir: string;
  const main = async () => JSON.parse(await fs.readFile(path.join(dir, STORE_FILE), 'utf8')) as Record<string, unknown> & { segments: Record<string, string> };
  const segmentFiles = async () => (await fs.readdir(path.join(dir, SEGMENT_DIR))).sort();
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-segments-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('migrates a version-3 file: the rows move to one segment per connection, the backup keeps the old file', async () => {
    const old = JSON.stringify(v3());
    await fs.writeFile(path.join(dir, STORE_FILE), old);
    const store = await Store.open(dir);
    assert.deepEqual(store.data.evidence.map((r) => r.id).sort(), ['ev_a_1', 'ev_a_3', 'ev_b_2']);
    const m = await main();
    assert.equal(m.schemaVersion, 4);
    assert.equal(m.evidence, undefined);
    assert.equal(m.inventory, undefined);
    assert.deepEqual(Object.keys(m.segments).sort(), ['a', 'b']);
    const segA = JSON.parse(await fs.readFile(path.join(dir, SEGMENT_DIR, m.segments.a), 'utf8'));
    assert.deepEqual(segA.evidence.map((r: EvidenceRecord) => r.id), ['ev_a_1', 'ev_a_3']);
    assert.deepEqual(segA.inventory.subscriptions, [sub('a')]);
    assert.equal((await fs.stat(path.join(dir, SEGMENT_DIR, m.segments.a))).mode & 0o777, 0o600);
    assert.equal(await fs.readFile(path.join(dir, STORE_FILE + '.bak'), 'utf8'), old);
    const reopened = await Store.open(dir);
    // Rows come back grouped by connection, each connection's in its order.
    const byId = (rows: EvidenceRecord[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));
    assert.deepEqual(byId(reopened.data.evidence), byId(store.data.evidence));
    assert.deepEqual({ ...reopened.data, evidence: [], inventory: {} }, { ...store.data, evidence: [], inventory: {} });
    assert.deepEqual(reopened.data.inventory.subscriptions.map((s) => s.id).sort(), ['/subscriptions/a', '/subscriptions/b']);
  });

  it('rewrites only the segments of the connections an update names, and keeps those the backup names', async () => {
    await fs.writeFile(path.join(dir, STORE_FILE), JSON.stringify(v3()));
    const store = await Store.open(dir);
    const first = (await main()).segments;
    await store.update((d) => { d.runs.push({ id: 'r2' } as never); }, { rows: [] });
    assert.deepEqual((await main()).segments, first);
    await store.update((d) => { d.evidence.find((r) => r.id === 'ev_a_1')!.lastSeenAt = '2026-02-01T00:00:00.000Z'; }, { rows: ['a'] });
    const second = (await main()).segments;
    assert.notEqual(second.a, first.a);
    assert.equal(second.b, first.b);
    // The backup names the generation before: its segment stays until a later commit supersedes it.
    assert.deepEqual(await segmentFiles(), [first.a, second.a, first.b].sort());
    await store.update((d) => { d.audit.length = 0; });
    const third = (await main()).segments;
    assert.notEqual(third.b, first.b);
    assert.deepEqual(await segmentFiles(), [second.a, third.a, first.b, third.b].sort());
    const reopened = await Store.open(dir);
    assert.equal(reopened.data.evidence.find((r) => r.id === 'ev_a_1')!.lastSeenAt, '2026-02-01T00:00:00.000Z');
  });

  it('writes rows added or removed by an update that named no connection', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1)); }, { rows: [] });
    await store.update((d) => { d.evidence.push(row('a', 2)); d.inventory.subscriptions.push(sub('a')); }, { rows: [] });
    assert.deepEqual((await Store.open(dir)).data.evidence.map((r) => r.id), ['ev_a_1', 'ev_a_2']);
    await store.update((d) => { d.evidence = d.evidence.filter((r) => r.id !== 'ev_a_1'); }, { rows: [] });
    const reopened = await Store.open(dir);
    assert.deepEqual(reopened.data.evidence.map((r) => r.id), ['ev_a_2']);
    assert.equal(reopened.data.inventory.subscriptions.length, 1);
  });

  it('removes at open a segment left by a commit that never finished', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1)); });
    const leftover = path.join(dir, SEGMENT_DIR, 'crashed.json');
    await fs.writeFile(leftover, '{"evidence": [');
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(leftover, past, past);
    const reopened = await Store.open(dir);
    assert.deepEqual(reopened.data.evidence.map((r) => r.id), ['ev_a_1']);
    assert.deepEqual(await segmentFiles(), [(await main()).segments.a]);
  });

  it('falls back to the backup when a segment rampart.json names is missing, and moves rampart.json aside', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1)); });
    await store.update((d) => { d.evidence.push(row('a', 2)); });
    await fs.rm(path.join(dir, SEGMENT_DIR, (await main()).segments.a));
    const warnings: string[] = [];
    const recovered = await Store.open(dir, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(recovered.data.evidence.map((r) => r.id), ['ev_a_1']);
    assert.match(warnings[0], /segment .* missing.*last good copy/);
    assert.equal((await fs.readdir(dir)).filter((n) => n.includes('.corrupt-')).length, 1);
  });

  it('falling back to the backup keeps the newer segments of the other connections the moved-aside file names', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1), row('b', 1)); });
    await store.update((d) => { d.evidence.push(row('a', 2), row('b', 2)); });
    const named = (await main()).segments;
    assert.deepEqual(Object.keys(named), ['a', 'b']);
    // b's segment comes after a's: a's newer segment has been read when b's turns out missing.
    await fs.rm(path.join(dir, SEGMENT_DIR, named.b));
    const warnings: string[] = [];
    const recovered = await Store.open(dir, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(recovered.data.evidence.map((r) => r.id).sort(), ['ev_a_1', 'ev_b_1']);
    assert.match(warnings[0], /segment .* missing.*last good copy/);
    assert.ok((await segmentFiles()).includes(named.a), 'the newer segment of connection a is still on disk');
  });

  it('refuses a store whose segment is corrupt and whose backup cannot help, and leaves the files untouched', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1)); });
    await fs.rm(path.join(dir, STORE_FILE + '.bak'), { force: true });
    const seg = path.join(dir, SEGMENT_DIR, (await main()).segments.a);
    await fs.writeFile(seg, '{"evidence": [tru');
    const before = await fs.readFile(path.join(dir, STORE_FILE), 'utf8');
    await assert.rejects(Store.open(dir), (e: Error) => e instanceof StoreCorruptError && /not valid JSON.*left untouched/.test(e.message));
    assert.equal(await fs.readFile(path.join(dir, STORE_FILE), 'utf8'), before);
    assert.equal(await fs.readFile(seg, 'utf8'), '{"evidence": [tru');
  });

  it('refuses a newer store and deletes none of its segments', async () => {
    await fs.mkdir(path.join(dir, SEGMENT_DIR));
    const seg = path.join(dir, SEGMENT_DIR, 'future.json');
    await fs.writeFile(seg, '{}');
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(seg, past, past);
    await fs.writeFile(path.join(dir, STORE_FILE), JSON.stringify({ schemaVersion: 99, segments: { a: 'other.json' } }));
    await assert.rejects(Store.open(dir), (e: Error) => e instanceof StoreVersionError && /newer/.test(e.message));
    assert.deepEqual(await segmentFiles(), ['future.json']);
  });

  it('a failed update leaves the segments and rampart.json as they were', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.evidence.push(row('a', 1)); });
    const files = await segmentFiles();
    const text = await fs.readFile(path.join(dir, STORE_FILE), 'utf8');
    await assert.rejects(store.update((d: StoreData) => { d.evidence.push(row('a', 2)); throw new Error('boom'); }), /boom/);
    assert.deepEqual(await segmentFiles(), files);
    assert.equal(await fs.readFile(path.join(dir, STORE_FILE), 'utf8'), text);
    assert.deepEqual(store.data.evidence.map((r) => r.id), ['ev_a_1']);
  });

  it('a store whose rampart.json another process replaced writes fresh segments, never names ones that process removed', async () => {
    const a = await Store.open(dir);
    await a.update((d) => { d.evidence.push(row('a', 1)); });
    const b = await Store.open(dir);
    await b.update((d) => { d.evidence[0].lastSeenAt = '2026-02-01T00:00:00.000Z'; }, { rows: ['a'] });
    await b.update((d) => { d.evidence[0].lastSeenAt = '2026-03-01T00:00:00.000Z'; }, { rows: ['a'] });
    await a.update((d) => { d.runs.push({ id: 'from-a' } as never); }, { rows: [] });
    const warnings: string[] = [];
    const reopened = await Store.open(dir, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(reopened.data.evidence.map((r) => r.id), ['ev_a_1']);
    assert.deepEqual(reopened.data.runs.map((r) => r.id), ['from-a']);
    // The backup (b's last commit) still opens too.
    await fs.rm(path.join(dir, STORE_FILE));
    assert.equal((await Store.open(dir)).data.evidence[0].lastSeenAt, '2026-03-01T00:00:00.000Z');
  });
});
