/**
 * The zip writer of the evidence bundle. Large entries are deflated while they are produced (zlib on its thread pool,
 * so compression overlaps the serialization of the next rows), with their CRC-32 (zlib.crc32) and SHA-256 taken on the
 * way, into private temporary files; the archive is then assembled by copying the compressed bytes behind headers
 * whose sizes and CRC are already known, so there are no data descriptors and no second pass over the text.
 * Plain PKZIP 2.0 (deflate, UTF-8 names), no zip64: an entry or archive past 4 GiB fails with a clear error.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { writeChunk } from './sink';

/** What the central directory and the manifest need of an entry. */
export interface ZipEntryInfo {
  name: string;
  crc32: number;
  /** Uncompressed bytes, and their SHA-256 (hex). */
  size: number;
  sha256: string;
  compressedSize: number;
}

const MAX_32 = 0xffffffff;
/** Text is gathered to this size before it is hashed and handed to zlib. */
const CHUNK = 64 * 1024;
const deflateRaw = promisify(zlib.deflateRaw);

function tooLarge(what: string): Error {
  return new Error(`${what} is larger than 4 GiB, which a bundle cannot hold: narrow the scope (--connection, --from/--to) or export JSON Lines.`);
}

/** An entry being produced: text in, deflated into a private temporary file. */
export class DeflatingEntry {
  private readonly deflate: zlib.DeflateRaw;
  private readonly done: Promise<void>;
  private readonly hash: Hash = createHash('sha256');
  private parts: string[] = [];
  private pending = 0;
  private crc = 0;
  private size = 0;

  constructor(readonly name: string, readonly file: string, level: number) {
    // A deep buffer lets the thread pool compress while the caller serializes the next rows.
    this.deflate = zlib.createDeflateRaw({ level, writableHighWaterMark: 4 * CHUNK } as zlib.ZlibOptions);
    this.done = pipeline(this.deflate, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    this.done.catch(() => undefined);
  }

  /** Appends text (already redacted by the caller); waits only when zlib is far behind. */
  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    this.crc = zlib.crc32(buf, this.crc);
    this.hash.update(buf);
    this.size += buf.length;
    if (this.size > MAX_32) throw tooLarge(this.name);
    if (!this.deflate.write(buf)) await Promise.race([once(this.deflate, 'drain'), this.done]);
  }

  /** Ends the entry; resolves when its compressed bytes are all on disk. */
  async end(): Promise<ZipEntryInfo> {
    await this.flush();
    this.deflate.end();
    await this.done;
    const compressedSize = (await fs.stat(this.file)).size;
    return { name: this.name, crc32: this.crc, size: this.size, sha256: this.hash.digest('hex'), compressedSize };
  }

  /** Stops the entry after a failure (its file is the caller's to remove, once `closed` resolves). */
  destroy(): void {
    this.deflate.destroy();
  }

  /** Resolves when the entry's pipeline is over, ended or failed, its file closed. */
  async closed(): Promise<void> {
    await this.done.catch(() => undefined);
  }
}

/** Assembles the archive on `out`, entry after entry, then the central directory. */
export class ZipWriter {
  private offset = 0;
  private entries = 0;
  private readonly central: Buffer[] = [];
  private readonly dos: { date: number; time: number };
  /** The first error of `out`: kept (so an error while we await something else is no uncaught 'error'), then thrown. */
  private failed: Error | undefined;

  constructor(private readonly out: Writable, mtime: Date, private readonly level: number) {
    this.dos = dosDateTime(mtime);
    out.on('error', (e) => { this.failed ??= e; });
  }

  /** Adds an entry produced by a DeflatingEntry, copying its compressed file; `onBytes` counts the copy. */
  async addDeflated(info: ZipEntryInfo, file: string, onBytes?: (n: number) => void): Promise<void> {
    await this.header(info);
    for await (const chunk of createReadStream(file)) {
      await this.write(chunk as Buffer);
      onBytes?.((chunk as Buffer).length);
    }
  }

  /** Adds a small entry held in memory (deflated here). */
  async addBuffer(name: string, data: Buffer): Promise<ZipEntryInfo> {
    const compressed = await deflateRaw(data, { level: this.level });
    const info: ZipEntryInfo = {
      name, crc32: zlib.crc32(data), size: data.length, sha256: createHash('sha256').update(data).digest('hex'), compressedSize: compressed.length,
    };
    await this.header(info);
    await this.write(compressed);
    return info;
  }

  /** Writes the central directory and ends `out`. */
  async end(): Promise<void> {
    const start = this.offset;
    for (const c of this.central) await this.write(c);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(this.entries, 8);
    eocd.writeUInt16LE(this.entries, 10);
    eocd.writeUInt32LE(this.offset - start, 12);
    eocd.writeUInt32LE(start, 16);
    await this.write(eocd);
    this.out.end();
  }

  private async header(e: ZipEntryInfo): Promise<void> {
    if (e.compressedSize > MAX_32 || this.offset > MAX_32) throw tooLarge('The bundle');
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    this.common(local, 6, e, name.length);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the mode below is read)
    cd.writeUInt16LE(20, 6);
    this.common(cd, 8, e, name.length);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    cd.writeUInt32LE(this.offset, 42);
    this.central.push(cd, name);
    if (++this.entries > 0xffff) throw new Error('A bundle holds at most 65,535 files.');
    await this.write(local);
    await this.write(name);
  }

  /** The fields local and central headers share, from `at`: flags, method, time, date, CRC, sizes, name length. */
  private common(b: Buffer, at: number, e: ZipEntryInfo, nameLength: number): void {
    b.writeUInt16LE(0x0800, at); // UTF-8 names
    b.writeUInt16LE(8, at + 2); // deflate
    b.writeUInt16LE(this.dos.time, at + 4);
    b.writeUInt16LE(this.dos.date, at + 6);
    b.writeUInt32LE(e.crc32 >>> 0, at + 8);
    b.writeUInt32LE(e.compressedSize, at + 12);
    b.writeUInt32LE(e.size, at + 16);
    b.writeUInt16LE(nameLength, at + 20);
  }

  private async write(b: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    this.offset += b.length;
    await writeChunk(this.out, b);
  }
}

/** MS-DOS date and time (local time, two-second resolution), as zip tools read them. */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(2107, Math.max(1980, d.getFullYear()));
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}
