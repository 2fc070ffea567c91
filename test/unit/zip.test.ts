/** The bundle's zip writer: standard archives (read back with yauzl), CRC-32, sizes, hashes and times as written. */
import { strict as assert } from 'node:assert';
import { createWriteStream, promises as fs, WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as yauzl from 'yauzl';
import { exportEvidence } from '../../server/src/export';
import { DeflatingEntry, ZipWriter } from '../../server/src/export/zip';
import { syntheticStore } from '../fixtures/export/synthetic';
import { sha256, unzip } from '../fixtures/export/helpers';

describe('export: zip writer', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-zip-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('streams large entries through deflate, holds small ones, and reads back byte for byte', async () => {
    const file = path.join(dir, 'a.zip');
    const out = createWriteStream(file);
    const mtime = new Date(2026, 1, 3, 4, 5, 6);
    const zip = new ZipWriter(out, mtime, 1);
    // Several chunks' worth (the writer gathers 64 KB), with multi-byte UTF-8 so bytes and characters differ.
    const rows = Array.from({ length: 20_000 }, (_, i) => `{"row":${i},"name":"Zoë ✓ ${i % 97}"}\n`);
    const big = new DeflatingEntry('evidence/big.json', path.join(dir, 'big.deflate'), 1);
    for (const r of rows) await big.write(r);
    const info = await big.end();
    const text = Buffer.from(rows.join(''), 'utf8');
    assert.deepEqual({ size: info.size, crc32: info.crc32, sha256: info.sha256 }, { size: text.length, crc32: zlib.crc32(text), sha256: sha256(text) });
    assert.ok(info.compressedSize < text.length / 3, `compressed ${info.compressedSize} of ${text.length}`);
    let copied = 0;
    await zip.addDeflated(info, big.file, (n) => { copied += n; });
    assert.equal(copied, info.compressedSize);
    const small = await zip.addBuffer('manifest.json', Buffer.from('{"ok":true}\n'));
    assert.equal(small.size, 12);
    const empty = new DeflatingEntry('empty.csv', path.join(dir, 'empty.deflate'), 1);
    await zip.addDeflated(await empty.end(), empty.file);
    await zip.end();
    await new Promise<void>((resolve) => out.on('close', () => resolve()));

    const files = await unzip(file);
    assert.deepEqual([...files.keys()], ['evidence/big.json', 'manifest.json', 'empty.csv']);
    assert.ok(files.get('evidence/big.json')!.equals(text));
    assert.equal(files.get('manifest.json')!.toString(), '{"ok":true}\n');
    assert.equal(files.get('empty.csv')!.length, 0);

    // yauzl checks the sizes; the CRC and the time are compared with what the central directory says.
    const z = await yauzl.openPromise(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      z.on('error', reject);
      z.on('end', resolve);
      z.on('entry', (e: yauzl.Entry) => { entries.push(e); z.readEntry(); });
      z.readEntry();
    });
    z.close();
    const e = entries[0];
    assert.equal(e.crc32, zlib.crc32(text));
    assert.equal(e.compressionMethod, 8);
    assert.equal(e.uncompressedSize, text.length);
    assert.equal(e.getLastModDate().getTime(), mtime.getTime());
    assert.equal((e.externalFileAttributes >>> 16) & 0o777, 0o644);
  });

  /** Rejects when `p` takes longer than `ms`: a hang must fail the test, not time out the suite. */
  const bounded = <T>(p: Promise<T>, ms = 5000) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref())]);
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it('an output that fails while nobody waits on it ends the archive with its error (no uncaught error, no hang)', async () => {
    // Fails its second write later (as a full disk does), while the writer awaits the deflate of the next entry.
    const err = enospc();
    let writes = 0;
    const out = new Writable({ write(_chunk, _enc, cb) { if (++writes === 2) setImmediate(() => cb(err)); else cb(); } });
    const zip = new ZipWriter(out, new Date(), 1);
    const run = async () => {
      for (let i = 0; i < 5; i++) await zip.addBuffer(`f${i}.json`, Buffer.from(`{"i":${i}}`));
      await zip.end();
    };
    await assert.rejects(bounded(run()), (e) => e === err);
  });

  it('a bundle whose target file fails mid-write rejects with that error and leaves no file', async () => {
    // The disk fills under the bundle's own file (not the entries' temporary files): its first write (a 30-byte header, taken without waiting for 'drain') fails.
    const target = path.join(dir, 'b.zip');
    const err = enospc();
    const proto = WriteStream.prototype as unknown as Record<'_write' | '_writev', (this: WriteStream, ...a: unknown[]) => void>;
    const { _write, _writev } = proto;
    let writes = 0;
    const failing = (orig: (this: WriteStream, ...a: unknown[]) => void) => function (this: WriteStream, ...a: unknown[]) {
      const cb = a[a.length - 1] as (e?: Error) => void;
      if (String(this.path).startsWith(path.join(dir, '.b.zip.')) && ++writes === 1) { setImmediate(() => cb(err)); return; }
      orig.apply(this, a);
    };
    proto._write = failing(_write);
    proto._writev = failing(_writev);
    try {
      await assert.rejects(bounded(exportEvidence(syntheticStore({ rows: 300, connections: 2 }), { format: 'bundle', out: target })), (e) => e === err);
    } finally {
      proto._write = _write;
      proto._writev = _writev;
    }
    assert.ok(writes >= 1, 'the failure was injected');
    assert.deepEqual(await fs.readdir(dir), [], 'no target and no temporary file');
  });
});
