/**
 * Where export text goes: a writable stream, written with backpressure (a slow disk or zip stream pauses the
 * export instead of buffering it all), through `redact` (a registered secret can never reach an export, even if a
 * row's data picked one up), and through SHA-256 so the bundle's manifest costs no second read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { redact } from '../util/redact';

/** Small writes are gathered to this size before they reach the stream: one syscall per row would be slow. */
const CHUNK = 64 * 1024;

export class TextSink {
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly hash = createHash('sha256');
  /** Bytes written so far (after redaction). */
  bytes = 0;

  constructor(private readonly stream: Writable) {}

  /** Queues `text` (redacted); waits for the stream to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    // Redact per call: every caller writes whole values (a row, a line), so a secret is never split across calls.
    const safe = redact(text);
    this.pending.push(safe);
    this.pendingLength += safe.length;
    if (this.pendingLength >= CHUNK) await this.flush();
  }

  /**
   * Writes bytes as they are, without redaction: only for text that went through `redact` value by value already
   * (the bundle's spill files), since a chunk boundary could split a secret.
   */
  async writeRedacted(chunk: Buffer): Promise<void> {
    await this.flush();
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  private async flush(): Promise<void> {
    if (!this.pendingLength) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.hash.update(buf);
    this.bytes += buf.length;
    // `once` rejects if the stream errors while we wait, so a failed disk ends the export instead of hanging it.
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  /** Flushes and ends the stream; resolves with the SHA-256 (hex) and size of everything written. */
  async end(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    this.stream.end();
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

/**
 * Writes `file` through `produce` into a temporary file next to it, then renames it into place: a failed or
 * cancelled export leaves nothing half-written under the name the user chose (and an existing file untouched).
 * The file is readable by the user only, as the store is: evidence describes who can reach what.
 */
export async function writeAtomically<T>(file: string, produce: (stream: Writable) => Promise<T>): Promise<T> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // flush: fsync before close, so the rename never publishes a file whose bytes are still only in the page cache.
  const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true });
  try {
    await once(stream, 'open');
    const result = await produce(stream);
    if (!stream.writableEnded) stream.end();
    if (!stream.closed) await once(stream, 'close');
    await fs.rename(tmp, file);
    return result;
  } catch (e) {
    stream.destroy();
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
