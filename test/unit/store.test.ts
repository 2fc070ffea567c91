import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, STORE_FILE } from '../../server/src/store/store';
import { SCHEMA_VERSION } from '../../server/src/store/schema';
import { StoreCorruptError } from '../../server/src/store/atomic-file';
import { StoreVersionError } from '../../server/src/store/migrations';

describe('store', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-store-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('creates a schema-versioned file readable only by the user', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.audit.length = 0; });
    const file = path.join(dir, STORE_FILE);
    const stat = await fs.stat(file);
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).schemaVersion, SCHEMA_VERSION);
  });

  it('opened read-only, reads what the owner wrote and refuses to write, leaving the files alone', async () => {
    assert.deepEqual((await Store.openReadOnly(dir)).data.connections, [], 'no store yet: empty, nothing created');
    assert.deepEqual(await fs.readdir(dir), []);
    const owner = await Store.open(dir);
    await owner.update((d) => { d.roles = { admins: ['owner'], viewers: [] }; });
    const before = await fs.readFile(path.join(dir, STORE_FILE), 'utf8');
    const reader = await Store.openReadOnly(dir);
    assert.deepEqual(reader.data.roles?.admins, ['owner']);
    await assert.rejects(reader.update((d) => { d.audit.length = 0; }), /open read-only here: the daemon serving it makes the changes/);
    assert.equal(await fs.readFile(path.join(dir, STORE_FILE), 'utf8'), before);
  });

  it('commits all changes of an update or none', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.connections.push({ id: 'a' } as never); });
    await assert.rejects(store.update((d) => {
      d.connections.push({ id: 'b' } as never);
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(store.data.connections.map((c) => c.id), ['a']);
    const reopened = await Store.open(dir);
    assert.deepEqual(reopened.data.connections.map((c) => c.id), ['a']);
  });

  it('serializes concurrent updates without losing one', async () => {
    const store = await Store.open(dir);
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.update((d) => { d.connections.push({ id: String(i) } as never); })));
    const reopened = await Store.open(dir);
    assert.equal(reopened.data.connections.length, 25);
  });

  it('leaves no temporary files behind', async () => {
    const store = await Store.open(dir);
    for (let i = 0; i < 3; i++) await store.update((d) => { d.runs.length = 0; });
    const names = await fs.readdir(dir);
    assert.deepEqual(names.filter((n) => n.endsWith('.tmp')), []);
  });

  it('recovers from a corrupt file with the last good copy and keeps the corrupt one aside', async () => {
    const store = await Store.open(dir);
    await store.update((d) => { d.connections.push({ id: 'kept' } as never); });
    await store.update((d) => { d.connections.push({ id: 'latest' } as never); });
    const file = path.join(dir, STORE_FILE);
    await fs.writeFile(file, '{"schemaVersion": 1, "connections": [tru');
    const warnings: string[] = [];
    const recovered = await Store.open(dir, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(recovered.data.connections.map((c) => c.id), ['kept']);
    assert.match(warnings[0], /not valid JSON/);
    const aside = (await fs.readdir(dir)).filter((n) => n.includes('.corrupt-'));
    assert.equal(aside.length, 1);
    assert.match(await fs.readFile(path.join(dir, aside[0]), 'utf8'), /\[tru$/);
  });

  it('refuses a corrupt file without a backup and leaves it untouched', async () => {
    const file = path.join(dir, STORE_FILE);
    await fs.writeFile(file, 'not json');
    await assert.rejects(Store.open(dir), (e: Error) => e instanceof StoreCorruptError && /left untouched/.test(e.message));
    assert.equal(await fs.readFile(file, 'utf8'), 'not json');
  });

  it('refuses a store from a newer Rampart', async () => {
    await fs.writeFile(path.join(dir, STORE_FILE), JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1 }));
    await assert.rejects(Store.open(dir), (e: Error) => e instanceof StoreVersionError && /newer/.test(e.message));
  });

  it('migrates a file without a schema version', async () => {
    await fs.writeFile(path.join(dir, STORE_FILE), JSON.stringify({ connections: [{ id: 'old' }] }));
    const store = await Store.open(dir);
    assert.equal(store.data.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(store.data.connections.map((c) => c.id), ['old']);
    assert.deepEqual(store.data.evidence, []);
  });
});

describe('streamed JSON writing', () => {
  it('writes exactly what JSON.stringify writes, for the shapes a store holds', async () => {
    const { writeJson } = await import('../../server/src/store/json-stream');
    const rows = Array.from({ length: 4500 }, (_, i) => ({ id: `r${i}`, n: i, nested: { a: [1, 'x', null], u: undefined }, d: new Date(0), s: 'q"\n\u2028' }));
    const samples: unknown[] = [
      { schemaVersion: 3, evidence: rows, inventory: { subscriptions: rows.slice(0, 3), empty: [] }, audit: [], skip: undefined, n: null },
      [], {}, 'text', 42, null, [undefined, () => 1, 1], { nested: { deeper: { deepest: [1, 2] } } },
    ];
    for (const value of samples) {
      let out = '';
      await writeJson(value, async (c) => { out += c; });
      assert.equal(out, JSON.stringify(value));
    }
  });

  it('writes a file byte for byte as JSON.stringify, multi-byte text and pieces larger than its buffer included', async () => {
    const { writeJsonFile } = await import('../../server/src/store/atomic-file');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-json-file-'));
    try {
      const value = { rows: Array.from({ length: 3000 }, (_, i) => ({ i, s: 'é€😀"\\'.repeat(i % 7) })), big: 'x€'.repeat(700_000), tail: [1] };
      const file = path.join(dir, 'f.json');
      await writeJsonFile(file, value, 'wx');
      assert.equal(await fs.readFile(file, 'utf8'), JSON.stringify(value));
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      await assert.rejects(writeJsonFile(file, value, 'wx'), /EEXIST/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
