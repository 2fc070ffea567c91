/**
 * One writer per store: `rampart.lock` in the store folder names the process that works on the store (a daemon with
 * the socket it listens on, or a CLI command working in-process). It is created atomically (a complete temporary
 * file hard-linked into place, which fails if the lock exists), so a reader never sees a half-written lock. A lock
 * whose process is gone (a daemon killed with -9, or a pid reused by another process since) is stale and taken over; a
 * live one refuses.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, unlinkSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE = 'rampart.lock';
/** The log of a detached daemon, in the store folder next to its lock. */
export const DAEMON_LOG = 'daemon.log';
/** The log of the daemon before (one that crashed, say), kept when the next one starts. */
export const PREVIOUS_DAEMON_LOG = 'daemon.previous.log';
/** What detached daemons wrote to stderr: a start that failed before its log was open, an uncaught crash. */
export const DAEMON_ERRORS_LOG = 'daemon-errors.log';
/** How long a daemon or a CLI command waits for another rampart command holding the store's lock. */
export const CLI_LOCK_WAIT_MS = 120_000;
/** A takeover that has not finished in this time was abandoned by a process that died in the middle of it. */
const TAKEOVER_STALE_MS = 10_000;

export type LockKind = 'daemon' | 'cli';

export interface LockInfo {
  pid: number;
  kind: LockKind;
  /** The daemon's socket (POSIX) or named pipe (Windows); absent for a CLI. */
  socket?: string;
  startedAt: string;
  /** Tells this holder's lock from a later one of the same pid. */
  token: string;
  /**
   * Which process the pid was when the lock was taken (Linux: boot id and start time). A pid is reused, after a
   * reboot especially: a lock naming a live pid that is another process now is stale. Absent where it cannot be read.
   */
  process?: string;
  /** A daemon's Rampart version: a window of a newer one replaces a daemon started by an older window. */
  version?: string;
  /** A daemon started by `rampart daemon` (a server's): never replaced by a window. */
  headless?: boolean;
}

/** What the taker says of itself in the lock. */
export type LockClaim = Pick<LockInfo, 'kind' | 'socket' | 'version' | 'headless'>;

export type AcquireResult = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockInfo };

/** A lock this process holds. `release` removes it only while it is still ours. */
export class HeldLock {
  private released = false;
  constructor(readonly file: string, readonly info: LockInfo) {}

  /** Whether the lock file is still this holder's (nobody removed or replaced it). */
  stillHeld(): boolean {
    try {
      return parseLock(readFileSync(this.file, 'utf8'))?.token === this.info.token;
    } catch {
      return false;
    }
  }

  /** Synchronous, so it also runs in a process 'exit' handler. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (parseLock(readFileSync(this.file, 'utf8'))?.token === this.info.token) unlinkSync(this.file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

export function lockFile(storeDir: string): string {
  return path.join(storeDir, LOCK_FILE);
}

/** Whether a process with this pid exists (EPERM: it exists, another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Which process `pid` is, as far as the system tells: on Linux the boot id and the process's start time (in clock
 * ticks since boot). Undefined elsewhere, or when the process is gone.
 */
export function processIdentity(pid: number): string | undefined {
  const stat = procStat(pid);
  if (!stat) return undefined;
  try {
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${stat.startTime}`;
  } catch {
    return undefined;
  }
}

/** State and start time from /proc/PID/stat (fields 3 and 22, read after the command name, which may hold spaces). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's process still runs: its pid is alive, is not a zombie (killed, not yet reaped by the window that
 * started it) and, where the system tells, is still the same process.
 */
export function holderAlive(info: LockInfo): boolean {
  if (!isAlive(info.pid)) return false;
  if (procStat(info.pid)?.state === 'Z') return false;
  if (!info.process) return true;
  const now = processIdentity(info.pid);
  return now === undefined || now === info.process;
}

/** The lock's holder if a live process holds it; undefined when there is no lock or it is stale. */
export async function liveHolder(storeDir: string): Promise<LockInfo | undefined> {
  const info = await readLock(lockFile(storeDir));
  return info && holderAlive(info) ? info : undefined;
}

/** Takes the store's lock, taking over a stale one; refuses (with the holder) while a live process holds it. */
export async function acquireLock(storeDir: string, what: LockClaim): Promise<AcquireResult> {
  await fs.mkdir(storeDir, { recursive: true, mode: 0o700 });
  const file = lockFile(storeDir);
  const info: LockInfo = {
    pid: process.pid, process: processIdentity(process.pid), ...what,
    startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex'),
  };
  // Long enough to outlast a takeover guard left by a process that died mid-takeover (cleared after TAKEOVER_STALE_MS).
  const deadline = Date.now() + TAKEOVER_STALE_MS + 5_000;
  while (Date.now() < deadline) {
    if (await createExclusive(file, info)) return { acquired: true, lock: new HeldLock(file, info) };
    const holder = await readLock(file);
    if (holder && holderAlive(holder)) return { acquired: false, holder };
    // Stale (its process died) or unreadable: one process at a time removes it, then everyone races to create.
    await takeOverStale(file, holder);
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing hands.`);
}

/** Polls until the lock is ours, or until `timeoutMs` passed (then returns who still holds it). */
export async function acquireLockWaiting(storeDir: string, what: LockClaim, timeoutMs: number, onWait?: (holder: LockInfo) => void): Promise<AcquireResult> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const r = await acquireLock(storeDir, what);
    if (r.acquired || Date.now() >= deadline || r.holder.kind === 'daemon') return r;
    if (!told) onWait?.(r.holder);
    told = true;
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function createExclusive(file: string, info: LockInfo): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${info.token}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function takeOverStale(file: string, seen: LockInfo | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  let handle;
  try {
    handle = await fs.open(guard, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Someone else is taking over; a guard left by a process that died mid-takeover is removed after a while.
    const st = await fs.stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > TAKEOVER_STALE_MS) await fs.rm(guard, { force: true });
    await new Promise((res) => setTimeout(res, 20));
    return;
  }
  try {
    // Under the guard nobody else removes the lock, and nobody creates one while it exists: a lock read here that is
    // stale (or unreadable) is the one removed. No lock at all means another taker removed it already and may be
    // creating its own right now: removing "nothing" then could remove that one, so nothing is removed.
    const now = await readLockFile(file);
    if (now === 'absent') return;
    const stale = now === 'unreadable' ? seen === undefined : now.token === seen?.token && !holderAlive(now);
    if (stale) await fs.rm(file, { force: true });
  } finally {
    await handle.close();
    await fs.rm(guard, { force: true });
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  const r = await readLockFile(file);
  return typeof r === 'string' ? undefined : r;
}

/** The lock, or whether there is none or it cannot be read (corrupt, or not ours to read). */
async function readLockFile(file: string): Promise<LockInfo | 'absent' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  return parseLock(text) ?? 'unreadable';
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && (v.kind === 'daemon' || v.kind === 'cli') && typeof v.token === 'string' ? v as LockInfo : undefined;
  } catch {
    return undefined;
  }
}
