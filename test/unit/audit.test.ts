import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendAudit, auditRowHash } from '../../server/src/core/audit';
import { verifyStoreFile } from '../../server/src/core/verify';
import { Store, STORE_FILE } from '../../server/src/store/store';

/** Audit rows written through the real store, then tampered with in the file itself. */
describe('audit log verification', () => {
  let dir: string;
  const file = () => path.join(dir, STORE_FILE);
  const readFile = async () => JSON.parse(await fs.readFile(file(), 'utf8'));
  const writeFile = (data: unknown) => fs.writeFile(file(), JSON.stringify(data, null, 1));

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-audit-'));
    const store = await Store.open(dir);
    for (let i = 0; i < 6; i++) {
      await store.update((d) => { appendAudit(d, new Date(Date.UTC(2026, 0, 1 + i)), i === 0 ? 'connect' : 'sync', 'conn_1', { runId: `run_${i}`, evidence: 10 + i }); });
    }
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('an untouched log verifies, and each row carries its sequence and the previous hash', async () => {
    const r = await verifyStoreFile(dir);
    assert.deepEqual({ ok: r.ok, rows: r.rows }, { ok: true, rows: 6 });
    const data = await readFile();
    assert.deepEqual(data.audit.map((x: { seq: number }) => x.seq), [0, 1, 2, 3, 4, 5]);
    assert.equal(data.meta.auditAnchor.count, 6);
  });

  it('catches an edited row and names it', async () => {
    const data = await readFile();
    data.audit[2].details.evidence = 999;
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.equal(r.ok, false);
    assert.deepEqual([r.broken!.kind, r.broken!.index, r.broken!.id], ['edited', 2, data.audit[2].id]);
  });

  it('catches a deleted row', async () => {
    const data = await readFile();
    data.audit.splice(3, 1);
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.deepEqual([r.ok, r.broken!.kind, r.broken!.index], [false, 'deleted', 3]);
  });

  it('catches an inserted row that copies its neighbour\'s link', async () => {
    const data = await readFile();
    const forged = { ...data.audit[1], id: 'audit_forged', details: { note: 'backdated approval' } };
    data.audit.splice(2, 0, forged);
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.deepEqual([r.ok, r.broken!.kind, r.broken!.index, r.broken!.id], [false, 'inserted', 2, 'audit_forged']);
  });

  it('catches an inserted row chained to its predecessor', async () => {
    const data = await readFile();
    const forged = { ...data.audit[1], id: 'audit_forged', seq: 2, prevHash: auditRowHash(data.audit[1]), details: { note: 'backdated approval' } };
    data.audit.splice(2, 0, forged);
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.deepEqual([r.ok, r.broken!.kind, r.broken!.index, r.broken!.id], [false, 'inserted', 2, 'audit_forged']);
  });

  it('catches a truncated tail through the anchor', async () => {
    const data = await readFile();
    data.audit.length = 4;
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.deepEqual([r.ok, r.broken!.kind], [false, 'truncated']);
    assert.match(r.broken!.message, /4 row\(s\) but 6 were written/);
  });

  it('catches an edited last row through the anchor', async () => {
    const data = await readFile();
    data.audit[5].user = 'mallory';
    await writeFile(data);
    const r = await verifyStoreFile(dir);
    assert.deepEqual([r.ok, r.broken!.kind, r.broken!.index], [false, 'edited', 5]);
  });
});
