/**
 * The Rampart store: a lowdb JSON file (`rampart.json`, mode 0600) under the store folder, with each connection's
 * evidence and inventory rows in a segment file it names (segmented-file.ts). Reads see the data in memory; every
 * change goes through `update`, which serializes writers and commits all of its changes in one atomic commit, or
 * none of them (the in-memory copy is reloaded when the write fails).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { type DirtyRows, SegmentedStoreFile, readStoreFiles } from './segmented-file';
import { migrate } from './migrations';
import { StoreData, emptyStore } from './schema';

export const STORE_FILE = 'rampart.json';

export interface StoreOptions { onWarning?(message: string): void }

/**
 * What an update may change beyond the small tables: the connections whose evidence or inventory rows it touches.
 * Only their segments are rewritten (`{ rows: [] }`: none, e.g. a run or an audit row). Without it, every segment is.
 */
export interface UpdateScope { rows: readonly string[] }

export class Store {
  private constructor(
    private readonly db: Low<StoreData>, private readonly adapter: SegmentedStoreFile | ReadOnlyStoreFile, readonly dir: string, readonly file: string,
  ) {}
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The store as another process (the daemon holding its lock) keeps it, for commands that only read: nothing is
   * recovered, migrated, cleaned or written here, since any of that beside the owner's commits could remove what it
   * just wrote. A read that straddles one of its commits is read again. `update` fails.
   */
  static async openReadOnly(dir: string): Promise<Store> {
    const file = path.join(dir, STORE_FILE);
    const adapter = new ReadOnlyStoreFile(dir);
    const store = new Store(new Low<StoreData>(adapter, emptyStore()), adapter, dir, file);
    await store.load();
    return store;
  }

  static async open(dir: string, options: StoreOptions = {}): Promise<Store> {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, STORE_FILE);
    const adapter = new SegmentedStoreFile(file, { onRecovered: options.onWarning });
    const db = new Low<StoreData>(adapter, emptyStore());
    const store = new Store(db, adapter, dir, file);
    await store.load();
    return store;
  }

  /** The current data. Treat it as read-only: change it through `update`. */
  get data(): StoreData {
    return this.db.data;
  }

  /**
   * Applies `change` and writes the store once. Calls run one at a time in the order made. If `change` throws or
   * the write fails, the store on disk is unchanged and memory is reloaded from it. `scope` names the connections
   * whose rows `change` may touch (see UpdateScope).
   */
  update<T>(change: (data: StoreData) => T, scope?: UpdateScope): Promise<T> {
    const run = this.queue.then(async () => {
      let result: T;
      try {
        result = change(this.db.data);
        this.adapter.dirty = scope ? new Set(scope.rows) : 'all';
        await this.db.write();
      } catch (e) {
        await this.load();
        throw e;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `read` (which may take long: an export) with no update in between, so it sees one consistent state.
   * Updates made meanwhile wait; `read` must not call `update` itself (it would wait for itself).
   */
  exclusive<T>(read: (data: StoreData) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => read(this.db.data));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Re-reads the file, e.g. after another process wrote it. */
  async reload(): Promise<void> {
    await this.queue;
    await this.load();
  }

  private async load(): Promise<void> {
    await this.db.read();
    const before = (this.db.data as { schemaVersion?: number } | null)?.schemaVersion;
    this.db.data = migrate(this.db.data ?? emptyStore(), this.file);
    if (before !== this.db.data.schemaVersion && !(this.adapter instanceof ReadOnlyStoreFile)) await this.db.write();
  }
}

/** Reads the files as they are (readStoreFiles), again when a commit replaced a segment under the read; never writes. */
class ReadOnlyStoreFile implements Adapter<StoreData> {
  dirty: DirtyRows = 'all';
  constructor(private readonly dir: string) {}

  async read(): Promise<StoreData | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await readStoreFiles(this.dir);
      } catch (e) {
        if (!existsSync(path.join(this.dir, STORE_FILE))) return null;
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async write(): Promise<void> {
    throw new Error(`The Rampart store ${this.dir} is open read-only here: the daemon serving it makes the changes.`);
  }
}
