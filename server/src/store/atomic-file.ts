/**
 * A lowdb adapter that never leaves a half-written store: each write goes to a temporary file (mode 0600), is
 * flushed to disk, then renamed over the store. The previous good version is kept as `<file>.bak`, and a file that
 * does not parse is moved aside (never overwritten) and the backup used instead.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Adapter } from 'lowdb';
import { writeJson } from './json-stream';

export class StoreCorruptError extends Error {}

export interface AtomicJsonFileEvents { onRecovered?(message: string): void }

export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string, private readonly events: AtomicJsonFileEvents = {}) {}

  async read(): Promise<T | null> {
    const main = await readJson<T>(this.file);
    if (main.ok) return main.value;
    if (main.missing) {
      const bak = await readJson<T>(this.file + '.bak');
      return bak.ok ? bak.value : null;
    }
    const bak = await readJson<T>(this.file + '.bak');
    if (!bak.ok) {
      throw new StoreCorruptError(
        `The Rampart store ${this.file} is not valid JSON (${main.error}) and no usable backup exists. ` +
          'The file was left untouched: repair or move it, then start Rampart again.');
    }
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(this.file, aside);
    this.events.onRecovered?.(
      `The Rampart store ${this.file} was not valid JSON (${main.error}); it was moved to ${aside} ` +
        `and the last good copy (${this.file}.bak) is used instead.`);
    return bak.value;
  }

  async write(data: T): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeJsonFile(tmp, data);
    try {
      await fs.copyFile(this.file, this.file + '.bak');
      await fs.chmod(this.file + '.bak', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      await fs.rename(tmp, this.file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await syncDir(dir);
  }
}

const WRITE_BUFFER = 1 << 20;

/** Writes `data` as compact JSON to `file` (mode 0600; flags 'wx': it must not exist yet) and flushes it to disk. */
export async function writeJsonFile(file: string, data: unknown, flags: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await fs.open(file, flags, 0o600);
  try {
    // Buffered in one reused byte buffer: thousands of small writes would each be a system call, and joining the
    // pieces into a large string would leave garbage the size of the file behind (see json-stream.ts).
    const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
    let used = 0;
    const flush = async () => { if (used) { await handle.write(buffer, 0, used); used = 0; } };
    await writeJson(data, async (chunk) => {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (used + chunk.length * 3 > WRITE_BUFFER) await flush();
      if (chunk.length * 3 > WRITE_BUFFER) await handle.write(chunk);
      else used += buffer.write(chunk, used);
    });
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; missing: boolean; error: string };

export async function readJson<T>(file: string): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, error: 'missing' };
    throw e;
  }
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (e) {
    return { ok: false, missing: false, error: text.trim() === '' ? 'the file is empty' : (e as Error).message };
  }
}

export async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported on every platform, where it is harmless to skip.
  try {
    const h = await fs.open(dir, 'r');
    try { await h.sync(); } finally { await h.close(); }
  } catch { /* best effort */ }
}
