/**
 * The store on disk, split so that a commit rewrites only what changed. `rampart.json` (lowdb, written atomically
 * with its `.bak`, see atomic-file.ts) holds connections, runs, audit, assessments and the rest, and a manifest
 * naming one segment file per connection under `segments/`, which holds that connection's evidence and inventory
 * rows. A commit first writes the segments it changed, each under a new name, then replaces rampart.json: the new
 * generation appears whole or not at all, and the backup still names the segments of the one before. Segments that
 * neither file names are left-overs (of a crash, or superseded) and are removed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Adapter } from 'lowdb';
import { AtomicJsonFile, StoreCorruptError, readJson, syncDir, writeJsonFile } from './atomic-file';
import { type EvidenceRecord, type Inventory, type StoreData, SCHEMA_VERSION, emptyInventory } from './schema';
import { append } from '../util/arrays';

export const SEGMENT_DIR = 'segments';

/** One connection's rows. */
interface SegmentFile { schemaVersion: number; connectionId: string; evidence: EvidenceRecord[]; inventory: Partial<Inventory> }

/** rampart.json from schema 4 on: the store without its rows, and which segment file holds each connection's. */
type MainFile = Omit<StoreData, 'evidence' | 'inventory'> & { segments?: Record<string, string> };

/** Which connections' rows the next write must save; 'all' when the change did not say. */
export type DirtyRows = ReadonlySet<string> | 'all';

interface Written { file: string; shape: string }
type Rows = { evidence: EvidenceRecord[]; inventory: Record<string, { connectionId: string }[]> };

export interface SegmentedFileEvents { onRecovered?(message: string): void }

export class SegmentedStoreFile implements Adapter<StoreData> {
  private readonly main: AtomicJsonFile<MainFile>;
  private readonly segmentDir: string;
  /** Per connection, the segment rampart.json names and the row counts it held (see `shape`). */
  private written = new Map<string, Written>();
  /** Segment files this process knows of and may delete once neither rampart.json nor its backup names them. */
  private known = new Set<string>();
  private generation = 0;
  /** rampart.json's mtime and size as this process last read or wrote it (see write). */
  private stamp = '';
  /** Set by the store before each write. */
  dirty: DirtyRows = 'all';

  constructor(readonly file: string, private readonly events: SegmentedFileEvents = {}) {
    this.main = new AtomicJsonFile<MainFile>(file, events);
    this.segmentDir = path.join(path.dirname(file), SEGMENT_DIR);
  }

  async read(): Promise<StoreData | null> {
    const main = await this.main.read();
    if (!main) return null;
    let loaded = await this.assemble(main);
    if (!loaded.ok) {
      const bak = await readJson<MainFile>(this.file + '.bak');
      const fallback = bak.ok ? await this.assemble(bak.value) : undefined;
      if (!fallback?.ok) {
        throw new StoreCorruptError(
          `The Rampart store ${this.file} names ${loaded.error}, and no usable backup exists. ` +
            'The files were left untouched: restore the segment, or move the store aside, then start Rampart again.');
      }
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await fs.rename(this.file, aside);
      this.events.onRecovered?.(`The Rampart store ${this.file} names ${loaded.error}; it was moved to ${aside} and the last good copy (${this.file}.bak) is used instead.`);
      loaded = fallback;
    }
    if (loaded.data.schemaVersion <= SCHEMA_VERSION) await this.removeLeftovers(await this.namedByBackup(), true);
    this.stamp = await this.mainStamp();
    return loaded.data;
  }

  /** Rampart.json with its segments' rows put back; a file from before schema 4 holds them itself. */
  async assemble(main: MainFile): Promise<{ ok: true; data: StoreData } | { ok: false; error: string }> {
    const { segments, ...rest } = main;
    if (!segments || typeof main.schemaVersion !== 'number' || main.schemaVersion > SCHEMA_VERSION) {
      this.written = new Map();
      return { ok: true, data: main as unknown as StoreData };
    }
    const evidence: EvidenceRecord[] = [];
    const inventory = emptyInventory() as unknown as Record<string, unknown[]>;
    const written = new Map<string, Written>();
    // Known (so deletable) only once the whole file assembles: a fallback to the backup must not delete the newer
    // segments of the file it moves aside.
    const names: string[] = [];
    for (const [connectionId, name] of Object.entries(segments)) {
      const seg = await readJson<SegmentFile>(path.join(this.segmentDir, name));
      if (!seg.ok || !Array.isArray(seg.value?.evidence)) {
        return { ok: false, error: `the segment ${SEGMENT_DIR}/${name}, which is ${seg.ok ? 'not a segment' : seg.missing ? 'missing' : `not valid JSON (${seg.error})`}` };
      }
      append(evidence, seg.value.evidence);
      for (const [table, rows] of Object.entries(seg.value.inventory ?? {})) append(inventory[table] ??= [], rows ?? []);
      written.set(connectionId, { file: name, shape: shape({ evidence: seg.value.evidence, inventory: seg.value.inventory as Rows['inventory'] }) });
      names.push(name);
    }
    for (const name of names) this.known.add(name);
    this.written = written;
    return { ok: true, data: { ...rest, evidence, inventory } as unknown as StoreData };
  }

  async write(data: StoreData): Promise<void> {
    const dirty = this.dirty;
    this.dirty = 'all';
    // Another process committed since: the segments this one last named may be gone (that process cleans up
    // after itself), so every connection gets a fresh segment. (Concurrent writers still need the store lock.)
    const foreign = (await this.mainStamp()) !== this.stamp;
    if (foreign) this.written = new Map();
    const { evidence, inventory, ...rest } = data;
    const byConnection = group(evidence, inventory);
    const next = new Map<string, Written>();
    const created: string[] = [];
    try {
      for (const [connectionId, rows] of byConnection) {
        const before = this.written.get(connectionId);
        const s = shape(rows);
        // A change that said it left these rows alone but added or removed some is written all the same.
        if (before && dirty !== 'all' && !dirty.has(connectionId) && before.shape === s) {
          next.set(connectionId, before);
          continue;
        }
        if (!created.length) await fs.mkdir(this.segmentDir, { recursive: true, mode: 0o700 });
        const name = `${Date.now().toString(36)}-${process.pid}-${(this.generation++).toString(36)}.json`;
        created.push(name);
        await writeJsonFile(path.join(this.segmentDir, name), { schemaVersion: SCHEMA_VERSION, connectionId, ...rows } satisfies SegmentFile, 'wx');
        next.set(connectionId, { file: name, shape: s });
      }
      if (created.length) await syncDir(this.segmentDir);
      const segments = Object.fromEntries([...next].map(([id, w]) => [id, w.file]));
      await this.main.write({ ...rest, schemaVersion: SCHEMA_VERSION, segments });
    } catch (e) {
      await Promise.all(created.map((n) => fs.rm(path.join(this.segmentDir, n), { force: true })));
      throw e;
    }
    // The backup is the rampart.json just replaced: keep what it names.
    const previous = foreign ? await this.namedByBackup() : new Set([...this.written.values()].map((w) => w.file));
    for (const n of created) this.known.add(n);
    this.written = next;
    this.stamp = await this.mainStamp();
    await this.removeLeftovers(previous);
  }

  private mainStamp(): Promise<string> {
    return fs.stat(this.file).then((s) => `${s.mtimeMs}:${s.size}:${s.ino}`, () => '');
  }

  /** The segment files rampart.json.bak names (empty if it names none or does not parse). */
  private async namedByBackup(): Promise<Set<string>> {
    const bak = await readJson<MainFile>(this.file + '.bak');
    return new Set(bak.ok ? Object.values(bak.value?.segments ?? {}) : []);
  }

  /**
   * Deletes segment files named neither by rampart.json nor by `backup`'s: those this process knew of and, `atOpen`,
   * any older than rampart.json (a newer one may be another process's commit in progress).
   */
  private async removeLeftovers(backup: Set<string>, atOpen = false): Promise<void> {
    const keep = new Set([...this.written.values()].map((w) => w.file));
    for (const n of backup) keep.add(n);
    let names: string[];
    try {
      names = await fs.readdir(this.segmentDir);
    } catch {
      return;
    }
    const mainTime = await fs.stat(this.file).then((s) => s.mtimeMs, () => 0);
    for (const name of names) {
      if (keep.has(name)) continue;
      const file = path.join(this.segmentDir, name);
      const older = atOpen && await fs.stat(file).then((s) => s.mtimeMs < mainTime, () => false);
      if (!this.known.has(name) && !older) continue;
      await fs.rm(file, { force: true });
      this.known.delete(name);
    }
  }
}

/** Each connection's evidence rows and inventory rows, in store order. */
function group(evidence: EvidenceRecord[], inventory: Inventory): Map<string, Rows> {
  const out = new Map<string, Rows>();
  const of = (id: string) => {
    let rows = out.get(id);
    if (!rows) out.set(id, rows = { evidence: [], inventory: {} });
    return rows;
  };
  for (const r of evidence) of(String(r.connectionId)).evidence.push(r);
  for (const [table, rows] of Object.entries(inventory) as [string, { connectionId: string }[]][]) {
    for (const r of rows ?? []) (of(String(r.connectionId)).inventory[table] ??= []).push(r);
  }
  return out;
}

/** Row counts per table: what a change that declared no rows must leave as it was. */
function shape(rows: Rows): string {
  return [rows.evidence.length, ...Object.entries(rows.inventory ?? {}).map(([t, r]) => `${t}:${r.length}`).sort()].join(',');
}


/**
 * The store in a folder as it is on disk (rampart.json with its segments' rows), read without recovering, migrating
 * or cleaning anything: for tests and tools looking at a store another process owns.
 */
export async function readStoreFiles(dir: string, file = 'rampart.json'): Promise<StoreData> {
  const main = await readJson<MainFile>(path.join(dir, file));
  if (!main.ok) throw new StoreCorruptError(`Cannot read ${path.join(dir, file)}: ${main.error}`);
  const loaded = await new SegmentedStoreFile(path.join(dir, file)).assemble(main.value);
  if (!loaded.ok) throw new StoreCorruptError(`${path.join(dir, file)} names ${loaded.error}`);
  return loaded.data;
}
