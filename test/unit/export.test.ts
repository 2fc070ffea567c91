import { strict as assert } from 'node:assert';
import { promises as fs, WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditRowHash } from '../../server/src/core/audit';
import { EVIDENCE_JSON_SCHEMA, type ExportFormat, ExportScopeError, exportEvidence, verifyBundle } from '../../server/src/export';
import { csvCell } from '../../server/src/export/csv';
import { auditExport } from '../../server/src/export/audit';
import { SEGMENT_DIR } from '../../server/src/store/segmented-file';
import { Store } from '../../server/src/store/store';
import { uuidV5 } from '../../server/src/export/uuid';
import type { StoreData } from '../../server/src/store/schema';
import { parseCsv, rezip, sha256, unzip, validate } from '../fixtures/export/helpers';
import { T1, syntheticStore } from '../fixtures/export/synthetic';

const NOW = new Date('2026-02-02T00:00:00.000Z');

/** The files under `dir` this process holds open (empty where /proc/self/fd is not there to tell). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fds = await fs.readdir('/proc/self/fd').catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => fs.readlink(path.join('/proc/self/fd', fd)).catch(() => '')));
  return targets.filter((t) => t.startsWith(dir + path.sep));
}
const schema = EVIDENCE_JSON_SCHEMA as Record<string, unknown>;

describe('export', () => {
  let dir: string;
  let data: StoreData;
  const out = (name: string) => path.join(dir, name);
  const run = (format: ExportFormat, name: string, scope = {}) => exportEvidence(data, { format, out: out(name), now: NOW, scope });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-export-'));
    data = syntheticStore({ rows: 90, connections: 2 });
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('JSON validates against the shipped schema and counts what it holds', async () => {
    const r = await run('json', 'e.json');
    const doc = JSON.parse(await fs.readFile(r.file, 'utf8'));
    assert.deepEqual(validate(doc, schema), []);
    assert.equal(doc.schema, 'rampart-evidence/1');
    assert.equal(doc.evidence.length, data.evidence.length);
    assert.equal(r.rows, data.evidence.length);
    assert.equal(r.sha256, sha256(await fs.readFile(r.file)));
    const fails = doc.evidence.filter((e: { status: string }) => e.status === 'fail').length;
    assert.equal(doc.summary.byStatus.fail, fails);
    const cc61 = doc.controls.find((c: { id: string }) => c.id === 'CC6.1');
    assert.equal(cc61.evidenceCount, doc.evidence.filter((e: { controls: string[] }) => e.controls.includes('CC6.1')).length);
    // A validator that accepts anything proves nothing: a broken row must be caught.
    doc.evidence[0].status = 'maybe';
    delete doc.evidence[1].fingerprint;
    assert.equal(validate(doc, schema).length, 2);
  });

  it('the export\'s audit row is a commit of rampart.json alone: no segment is rewritten', async () => {
    const store = await Store.open(path.join(dir, 'store'));
    await store.update((d) => { d.evidence = data.evidence; d.connections = data.connections; });
    const segments = async () => (await fs.readdir(path.join(store.dir, SEGMENT_DIR))).sort();
    const before = await segments();
    assert.ok(before.length >= 2, 'a segment per connection');
    const r = await exportEvidence(store.data, { format: 'json', out: out('audited.json'), now: NOW, scope: {} });
    await auditExport(store, NOW, r, 'cli');
    assert.equal(store.data.audit.at(-1)?.action, 'export');
    assert.deepEqual(await segments(), before);
  });

  it('JSON Lines: every line is one evidence row of the schema', async () => {
    const r = await run('jsonl', 'e.jsonl');
    const lines = (await fs.readFile(r.file, 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, data.evidence.length);
    const rowSchema = { $ref: '#/$defs/evidenceRow' };
    for (const l of lines) assert.deepEqual(validate(JSON.parse(l), rowSchema, schema), []);
  });

  it('CSV parses back under RFC 4180 with a column per control, and formula cells are neutralized', async () => {
    const r = await run('csv', 'e.csv');
    const text = await fs.readFile(r.file, 'utf8');
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header.slice(-7), ['CC6.1', 'CC6.2', 'CC6.3', 'CC6.6', 'CC6.7', 'CC7.1', 'data']);
    assert.equal(rows.length, data.evidence.length);
    for (const row of rows) {
      assert.equal(row.length, header.length);
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `formula cell ${JSON.stringify(cell)}`);
    }
    const byId = new Map(rows.map((row) => [row[0], row]));
    for (const e of data.evidence) {
      const row = byId.get(e.id)!;
      const cols = header.map((h, i) => [h, row[i]] as const);
      for (const [h, v] of cols) if (/^CC/.test(h)) assert.equal(v, e.controls.includes(h) ? 'x' : '');
      assert.deepEqual(JSON.parse(row[header.indexOf('data')]), e.data);
    }
    // The hostile names round-trip: quotes, commas and CRLF inside a field, and formulas behind an apostrophe.
    const labels = rows.map((row) => row[header.indexOf('label')]);
    assert.ok(labels.includes('two\r\nlines (rg rg)'));
    assert.ok(labels.includes('say "hi" (rg rg)'));
    assert.ok(labels.some((l) => l.startsWith(`'=HYPERLINK(`)));
    assert.ok(labels.includes(`'\tTabbed (rg rg)`));
  });

  it('csvCell: quoting and neutralization rules', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('a"b'), '"a""b"');
    assert.equal(csvCell('a\nb'), '"a\nb"');
    assert.equal(csvCell('=1+2'), `'=1+2`);
    assert.equal(csvCell('-1'), `'-1`);
    assert.equal(csvCell('@x,"y"'), `"'@x,""y"""`);
    assert.equal(csvCell('\r=x'), `"'\r=x"`);
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell({ a: 1 }), '"{""a"":1}"');
  });

  it('bundle: every file hashes to the manifest, evidence per control, CSV, audit chain, runs, self-contained HTML', async () => {
    const r = await run('bundle', 'b.zip');
    const files = await unzip(r.file);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    assert.equal(manifest.schema, 'rampart-bundle/1');
    assert.deepEqual([...files.keys()].filter((k) => k !== 'manifest.json').sort(), manifest.files.map((f: { path: string }) => f.path).sort());
    for (const f of manifest.files) {
      assert.equal(sha256(files.get(f.path)!), f.sha256, f.path);
      assert.equal(files.get(f.path)!.length, f.bytes, f.path);
    }
    for (const c of ['CC6.1', 'CC6.2', 'CC6.3', 'CC6.6', 'CC6.7', 'CC7.1']) {
      const doc = JSON.parse(files.get(`evidence/${c}.json`)!.toString('utf8'));
      assert.deepEqual(validate(doc, schema), [], c);
      assert.deepEqual(doc.scope.controls, [c]);
      assert.equal(doc.evidence.length, data.evidence.filter((e) => e.controls.includes(c)).length, c);
    }
    const [head, ...links] = parseCsv(files.get('controls-to-evidence.csv')!.toString('utf8'));
    assert.equal(head[0], 'control');
    assert.equal(links.length, data.evidence.reduce((n, e) => n + e.controls.length, 0));
    const audit = JSON.parse(files.get('audit.json')!.toString('utf8'));
    assert.equal(audit.rows.length, data.audit.length);
    for (let i = 1; i < audit.rows.length; i++) assert.equal(audit.rows[i].prevHash, auditRowHash(audit.rows[i - 1]));
    assert.equal(JSON.parse(files.get('runs.json')!.toString('utf8')).runs.length, data.runs.length);
    const html = files.get('index.html')!.toString('utf8');
    assert.match(html, /<svg role="img" aria-label="Coverage per control"/);
    // The dashboard's charts: coverage over time (two successful runs per connection: a line through four points) ...
    assert.match(html, /<svg role="img" aria-label="Coverage over time"[^]*?<path d="M[\d. L]+" class="line"\/>/);
    assert.equal([...html.matchAll(/<circle [^>]*class="dot"/g)].length, data.runs.filter((x) => x.status === 'succeeded').length);
    // ... and findings by severity and by subscription, counted from the failing rows.
    const fails = data.evidence.filter((e) => e.status === 'fail').length;
    assert.ok(fails > 0);
    assert.match(html, /<svg role="img" aria-label="Findings by severity"/);
    assert.match(html, /<svg role="img" aria-label="Findings by subscription and severity"/);
    const said = /(\d+) findings: (\d+) high, (\d+) medium, (\d+) low\./.exec(html)!;
    assert.equal(Number(said[1]), fails);
    assert.equal(Number(said[2]) + Number(said[3]) + Number(said[4]), fails);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no remote resources');
    assert.doesNotMatch(html, /<script/i);
    assert.deepEqual(await verifyBundle(r.file), { ok: true, problems: [], files: manifest.files.length, auditRows: data.audit.length });
  });

  it("bundle: the index.html's coverage over time keeps to the scope's period", async () => {
    const ends = [...new Set(data.runs.map((x) => x.endedAt!))].sort();
    assert.ok(ends.length >= 2);
    const r = await run('bundle', 'late.zip', { from: ends[ends.length - 1] });
    const html = (await unzip(r.file)).get('index.html')!.toString('utf8');
    assert.equal([...html.matchAll(/<circle [^>]*class="dot"/g)].length, data.runs.filter((x) => x.endedAt === ends[ends.length - 1]).length);
  });

  it('verifyBundle catches an edited file, a removed file, an added file and a broken audit chain', async () => {
    const r = await run('bundle', 'b.zip');
    const files = await unzip(r.file);
    const tamper = async (name: string, change: (m: Map<string, Buffer>) => void) => {
      const copy = new Map(files);
      change(copy);
      await rezip(copy, out(name));
      return (await verifyBundle(out(name))).problems;
    };
    const edited = await tamper('edited.zip', (m) => m.set('evidence/CC6.1.json', Buffer.from(m.get('evidence/CC6.1.json')!.toString().replace('"fail"', '"pass"'))));
    assert.equal(edited.length, 1);
    assert.match(edited[0], /evidence\/CC6\.1\.json was modified/);
    assert.match((await tamper('removed.zip', (m) => m.delete('runs.json')))[0], /runs\.json is listed in the manifest but missing/);
    assert.match((await tamper('added.zip', (m) => m.set('extra.txt', Buffer.from('x'))))[0], /extra\.txt is in the bundle but not in the manifest/);
    // Rewriting audit.json and its manifest hash together: only the chain can tell.
    const chain = await tamper('chain.zip', (m) => {
      const a = JSON.parse(m.get('audit.json')!.toString());
      a.rows[1].details.evidence = 0;
      const text = Buffer.from(JSON.stringify(a));
      m.set('audit.json', text);
      const man = JSON.parse(m.get('manifest.json')!.toString());
      const f = man.files.find((x: { path: string }) => x.path === 'audit.json');
      f.sha256 = sha256(text);
      f.bytes = text.length;
      m.set('manifest.json', Buffer.from(JSON.stringify(man)));
    });
    assert.equal(chain.length, 1);
    assert.match(chain[0], /row 2 .* does not chain/);
  });

  it('OSCAL assessment results: required fields, one observation per row, findings linked by uuid', async () => {
    const r = await run('oscal', 'ar.json', { from: '2026-01-01', to: '2026-01-31' });
    const doc = JSON.parse(await fs.readFile(r.file, 'utf8'));
    const ar = doc['assessment-results'];
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(ar.uuid, UUID);
    assert.equal(ar.metadata['oscal-version'], '1.1.2');
    for (const k of ['title', 'last-modified', 'version']) assert.ok(ar.metadata[k], k);
    assert.ok(ar['import-ap'].href);
    assert.equal(ar.results.length, 1);
    const res = ar.results[0];
    for (const k of ['uuid', 'title', 'description', 'start', 'reviewed-controls']) assert.ok(res[k], k);
    assert.equal(res.start, '2026-01-01T00:00:00.000Z');
    assert.equal(res.end, '2026-01-31T23:59:59.999Z');
    assert.equal(res.observations.length, data.evidence.length);
    const obs = new Set<string>();
    for (const o of res.observations) {
      assert.match(o.uuid, UUID);
      assert.ok(o.description && o.collected && o.methods.length && o.subjects[0]['subject-uuid'] && o.subjects[0].type);
      obs.add(o.uuid);
    }
    assert.equal(obs.size, res.observations.length, 'observation uuids are unique');
    assert.equal(res.findings.length, 6);
    for (const f of res.findings) {
      assert.match(f.uuid, UUID);
      assert.equal(f.target.type, 'objective-id');
      assert.ok(['satisfied', 'not-satisfied'].includes(f.target.status.state));
      for (const l of f['related-observations'] ?? []) assert.ok(obs.has(l['observation-uuid']), 'finding links a real observation');
    }
    const cc61 = res.findings.find((f: { title: string }) => f.title.startsWith('CC6.1'));
    assert.equal(cc61['related-observations'].length, data.evidence.filter((e) => e.controls.includes('CC6.1')).length);
    // Deterministic: the same rows get the same uuids in the next export.
    const again = JSON.parse(await fs.readFile((await run('oscal', 'ar2.json', { from: '2026-01-01', to: '2026-01-31' })).file, 'utf8'));
    assert.deepEqual(again['assessment-results'].results[0].observations.map((o: { uuid: string }) => o.uuid), [...obs]);
    assert.equal(uuidV5('x'), uuidV5('x'));
    assert.notEqual(uuidV5('x'), uuidV5('y'));
    // RFC 9562's version-5 example (DNS namespace, www.example.com), and a second known answer.
    assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    assert.equal(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('scope: a connection, a control, a period; unknown names are scope errors', async () => {
    const conn = JSON.parse(await fs.readFile((await run('json', 'c.json', { connection: 'Conn 1' })).file, 'utf8'));
    assert.ok(conn.evidence.length > 0 && conn.evidence.every((e: { connectionId: string }) => e.connectionId === 'conn_1'));
    const ctl = JSON.parse(await fs.readFile((await run('json', 'k.json', { control: 'cc6.6' })).file, 'utf8'));
    assert.deepEqual(ctl.controls.map((c: { id: string }) => c.id), ['CC6.6']);
    assert.ok(ctl.evidence.every((e: { controls: string[] }) => e.controls.includes('CC6.6')));
    // A row changed at T1 (a new observation) is outside a period that ends before T1.
    data.evidence[0].observedAt = T1;
    const before = await run('jsonl', 'p.jsonl', { to: '2026-01-15' });
    assert.equal(before.rows, data.evidence.length - 1);
    const after = await run('jsonl', 'q.jsonl', { from: '2026-03-01' });
    assert.equal(after.rows, 0);
    await assert.rejects(run('json', 'x.json', { connection: 'nope' }), ExportScopeError);
    await assert.rejects(run('json', 'x.json', { control: 'CC9.9' }), ExportScopeError);
    await assert.rejects(run('json', 'x.json', { assessment: 'Q1' }), /No assessment 'Q1'/);
    await assert.rejects(run('json', 'x.json', { from: '2026-02-01', to: '2026-01-01' }), /starts .* after it ends/);
  });

  it('a connection-scoped bundle keeps the audit chain verifiable without other connections\' details', async () => {
    const r = await run('bundle', 'one.zip', { connection: 'Conn 0' });
    const audit = JSON.parse((await unzip(r.file)).get('audit.json')!.toString('utf8'));
    const omitted = audit.rows.filter((x: { omitted?: boolean }) => x.omitted);
    assert.ok(omitted.length > 0);
    assert.ok(omitted.every((x: Record<string, unknown>) => !('details' in x) && typeof x.hash === 'string'));
    assert.deepEqual((await verifyBundle(r.file)).problems, []);
  });

  it('a failed or cancelled export leaves nothing at the target and keeps an existing file', async () => {
    await fs.writeFile(out('keep.json'), 'previous');
    const ac = new AbortController();
    await assert.rejects(exportEvidence(data, {
      format: 'json', out: out('keep.json'), signal: ac.signal, onProgress: (done) => { if (done === 10) ac.abort(); },
    }));
    assert.equal(await fs.readFile(out('keep.json'), 'utf8'), 'previous');
    await assert.rejects(exportEvidence(data, { format: 'bundle', out: out('b.zip'), signal: ac.signal }));
    assert.deepEqual(await fs.readdir(dir), ['keep.json'], 'no temp file left behind');
  });

  it('a bundle cancelled during its pass leaves no target file and no rampart-bundle-* directory', async () => {
    // A private temp root: other test runs may hold rampart-bundle-* directories of their own in the shared one.
    const tmp = out('tmp');
    await fs.mkdir(tmp);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      // Cancelled at once (the entries' files are still opening), mid-pass, and while the entries are being ended.
      for (const at of [1, 2, 45, 89, 90]) {
        const ac = new AbortController();
        await assert.rejects(exportEvidence(data, {
          format: 'bundle', out: out('c.zip'), signal: ac.signal, onProgress: (done) => { if (done === at) ac.abort(); },
        }), { name: 'AbortError' });
        assert.deepEqual(await fs.readdir(tmp), [], `no bundle directory left (cancelled at ${at})`);
        // Every entry was stopped and its file closed before the export rejected (Linux shows the process's fds).
        assert.deepEqual(await openFilesUnder(tmp), [], `no entry file still open (cancelled at ${at})`);
      }
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    assert.deepEqual(await fs.readdir(dir), ['tmp'], 'no target or temporary file');
  });

  it('a bundle whose entry fails while the entries are ended stops the others before removing their directory', async () => {
    const tmp = out('tmp');
    await fs.mkdir(tmp);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    // The first entry's temporary file fails as it is closed (a full disk, reported by close): its end() rejects
    // while the other entries are still being ended.
    const err = Object.assign(new Error('ENOSPC: no space left on device, close'), { code: 'ENOSPC' });
    const proto = WriteStream.prototype as unknown as { _destroy(this: WriteStream, e: Error | null, cb: (e?: Error | null) => void): void };
    const { _destroy } = proto;
    proto._destroy = function (this: WriteStream, e, cb) {
      _destroy.call(this, e, String(this.path).endsWith(`${path.sep}0.deflate`) ? (x) => cb(x ?? err) : cb);
    };
    try {
      await assert.rejects(exportEvidence(syntheticStore({ rows: 3000, connections: 2 }), { format: 'bundle', out: out('f.zip'), now: NOW }), (e) => e === err);
      assert.deepEqual(await openFilesUnder(tmp), [], 'no entry file still open');
      assert.deepEqual(await fs.readdir(tmp), [], 'no bundle directory left');
    } finally {
      proto._destroy = _destroy;
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    assert.deepEqual(await fs.readdir(dir), ['tmp'], 'no target or temporary file');
  });
});
