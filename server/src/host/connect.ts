/**
 * The client side of the shared daemon: connect to the daemon holding the store's lock, or start one detached when
 * none does (or the one that did has died), then connect. Several windows starting at once each may spawn a daemon;
 * the lock lets one win, the others exit, and every window connects to the winner. Used by the extension (ctx.ts),
 * which calls it again when the connection drops, so windows reconnect after a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DAEMON_ERRORS_LOG, DAEMON_LOG, liveHolder } from './lock';
import { isOlderVersion } from '../version';

export interface StartDaemonOptions {
  storeDir: string;
  /** The daemon's entry (dist/server.js). */
  serverModule: string;
  /** Node to run it with (default this process's; the editor's Electron runs as Node through ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  /** A daemon this call starts exits after this long with no client. */
  idleExitMs?: number;
  /** Give up after this long (default 60 s: a CLI command holding the store may have to finish first). */
  timeoutMs?: number;
  /**
   * This window's Rampart version. A daemon an older window started (the extension was updated since, and the
   * daemon outlives a reload by its idle time) is asked to exit (SIGTERM) and a new one started; a newer daemon, one
   * `rampart daemon` started, or the one this call started, is joined as it is.
   */
  version?: string;
  log?(line: string): void;
}

export class DaemonStartError extends Error {}

const ERRORS_LOG_MAX_BYTES = 1 << 20;

/** Resolves with a socket connected to the store's daemon, started here if needed. */
export async function connectOrStart(o: StartDaemonOptions): Promise<net.Socket> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let child: ChildProcess | undefined;
  let spawned = 0;
  let lastExit: string | undefined;
  let toldWaiting = false;
  const replaced = new Set<number>();
  for (;;) {
    const holder = await liveHolder(o.storeDir);
    if (holder?.kind === 'daemon' && replaced.has(holder.pid)) {
      // Asked to exit: wait until it has gone (it removes its lock), then start the new one.
    } else if (holder?.kind === 'daemon' && holder.pid !== child?.pid && o.version && holder.version && !holder.headless && isOlderVersion(holder.version, o.version)) {
      replaced.add(holder.pid);
      o.log?.(`The Rampart daemon (pid ${holder.pid}) is version ${holder.version}, older than this window's ${o.version}: asking it to exit`);
      try { process.kill(holder.pid, 'SIGTERM'); } catch { /* gone already */ }
    } else if (holder?.kind === 'daemon' && holder.socket) {
      const socket = await connectSocket(holder.socket);
      if (socket) return socket;
      // Listening is not up yet (the daemon is starting), or it is exiting: ask again shortly.
    } else if (holder) {
      if (!toldWaiting) o.log?.(`Waiting for the rampart process (pid ${holder.pid}) working on the store to finish`);
      toldWaiting = true;
    } else if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (spawned >= 3) throw new DaemonStartError(`The Rampart daemon did not start (${lastExit}); see ${path.join(o.storeDir, DAEMON_LOG)} and ${DAEMON_ERRORS_LOG} beside it.`);
      const { child: started, errors } = spawnDaemon(o);
      child = started;
      spawned++;
      started.once('exit', (code, signal) => {
        // What it wrote before it ended (the daemon's own log may not exist yet): the reason, for the window to show.
        const said = errors().trim().split('\n').filter(Boolean).pop();
        lastExit = `${signal ? `killed by ${signal}` : `exit code ${code}`}${said ? `: ${said}` : ''}`;
      });
      o.log?.(`Started the Rampart daemon (pid ${started.pid}) for ${o.storeDir}`);
    }
    if (Date.now() > deadline) {
      if (holder?.kind === 'cli') {
        throw new DaemonStartError(`A rampart command (pid ${holder.pid}) is still working on the store ${o.storeDir}; Rampart starts once it has finished: run 'Rampart: Restart Daemon' then.`);
      }
      throw new DaemonStartError(`No Rampart daemon answered for ${o.storeDir} in time${lastExit ? ` (${lastExit})` : ''}; see ${path.join(o.storeDir, DAEMON_LOG)}.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A connected socket, or undefined when nothing listens there. */
export function connectSocket(endpoint: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(endpoint);
    socket.once('connect', () => { socket.removeAllListeners('error'); resolve(socket); });
    socket.once('error', () => { socket.destroy(); resolve(undefined); });
  });
}

/**
 * Detached, in its own process group, with no stdio tied to ours: it outlives the window that started it. Its stderr
 * (a start that fails, an uncaught crash) goes to daemon-errors.log in the store folder; `errors()` reads what this
 * child wrote there.
 */
function spawnDaemon(o: StartDaemonOptions): { child: ChildProcess; errors(): string } {
  const args = [o.serverModule, '--store', o.storeDir, '--listen'];
  if (o.idleExitMs !== undefined) args.push('--idle-exit-ms', String(o.idleExitMs));
  const errorsFile = path.join(o.storeDir, DAEMON_ERRORS_LOG);
  let stderr: number | 'ignore' = 'ignore';
  let from = 0;
  try {
    // Appended to across starts (a crash's trace stays for the next one to read), started afresh past 1 MB.
    const size = statSync(errorsFile, { throwIfNoEntry: false })?.size ?? 0;
    stderr = openSync(errorsFile, size > ERRORS_LOG_MAX_BYTES ? 'w' : 'a', 0o600);
    from = fstatSync(stderr).size;
  } catch {
    // The store folder cannot take it: the daemon then reports into its own log only.
  }
  let child: ChildProcess;
  try {
    child = spawn(o.execPath ?? process.execPath, args, {
      detached: true, stdio: ['ignore', 'ignore', stderr], windowsHide: true,
      env: { ...(o.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    });
  } finally {
    if (typeof stderr === 'number') closeSync(stderr);
  }
  child.on('error', () => undefined);
  child.unref();
  return { child, errors: () => readFrom(errorsFile, from) };
}

/** The file's text from `offset` on, at most 4 KB of it ('' when unreadable). */
function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
