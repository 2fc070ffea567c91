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
    await writeChunk(this.stream, chunk);
  }

  private async flush(): Promise<void> {
    if (!this.pendingLength) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.hash.update(buf);
    this.bytes += buf.length;
    await writeChunk(this.stream, buf);
  }

  /** Flushes and ends the stream; resolves with the SHA-256 (hex) and size of everything written. */
  async end(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    this.stream.end();
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

/**
 * Writes `chunk` to `stream`, waiting for 'drain' when its buffer is full. A failed output ends the export instead of
 * hanging or corrupting it: an error the stream already had (ENOSPC while nobody was waiting) is thrown before the
 * write (a destroyed stream would otherwise take the bytes silently), and the wait for 'drain' also ends, with an
 * error, when the stream errors or closes first.
 */
export async function writeChunk(stream: Writable, chunk: Buffer): Promise<void> {
  if (stream.errored) throw stream.errored;
  if (stream.destroyed || stream.writableEnded) throw new Error('The export output was closed before the export was written.');
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (e?: Error | null) => {
      stream.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (e: Error) => settle(e);
    const onClose = () => settle(stream.errored ?? new Error('The export output was closed before the export was written.'));
    stream.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
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
  // Listened to for the stream's whole life (`once` below listens only until 'open'): an error (ENOSPC) while the
  // producer awaits something else must not be an uncaught 'error' that ends the daemon; writeChunk throws it.
  let failed: Error | undefined;
  stream.on('error', (e) => { failed ??= e; });
  try {
    await once(stream, 'open');
    const result = await produce(stream);
    if (!stream.writableEnded) stream.end();
    if (!stream.closed) await once(stream, 'close');
    // An error after the last write (or in the final fsync) must not publish a truncated file.
    if (failed ?? stream.errored) throw failed ?? stream.errored;
    await fs.rename(tmp, file);
    return result;
  } catch (e) {
    stream.destroy();
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
