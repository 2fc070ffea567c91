/**
 * The daemon process of a store: holds the store's lock, listens on the user-only socket (endpoint.ts) and gives each
 * client that connects its own LSP session over one shared DaemonCore. The process ends when a client asks it to
 * (Restart Daemon), on SIGTERM/SIGINT, or (a daemon the editor started) after `idleExitMs` with no client. The lock
 * and the socket are removed as the process exits; after a crash the next daemon takes the stale lock over and fails
 * the runs the dead one left running.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Daemon } from '../daemon';
import { DaemonCore, type DaemonOptions } from './core';
import { endpointFor, prepareEndpoint, restrictEndpoint } from './endpoint';
import { CLI_LOCK_WAIT_MS, DAEMON_LOG, PREVIOUS_DAEMON_LOG, type HeldLock, type LockInfo, acquireLockWaiting, liveHolder } from './lock';
import { socketConnection } from './session';
import { VERSION } from '../version';


export interface HostOptions extends Omit<DaemonOptions, 'onExitRequested' | 'logSink'> {
  /** Exit this long after the last client left (and after start if none came); absent: run until stopped. */
  idleExitMs?: number;
  /** Open the store and start the scheduler now instead of at the first client (headless). */
  openNow?: boolean;
  /** Log lines also go to `daemon.log` in the store folder (a detached daemon has no other output). */
  logToFile?: boolean;
  /** Ends the process (default process.exit). */
  exit?(code: number): void;
}

/** Another process holds the store: a daemon (serving at `holder.socket`) or a CLI that did not finish in time. */
export class StoreBusyError extends Error {
  constructor(readonly holder: LockInfo, storeDir: string, message?: string) {
    super(message ?? (holder.kind === 'daemon'
      ? `Another Rampart daemon (pid ${holder.pid}) already serves the store ${storeDir}${holder.socket ? ` on ${holder.socket}` : ''}; connect to it instead.`
      : `A rampart command (pid ${holder.pid}) is still working on the store ${storeDir}; try again when it has finished.`));
  }
}

export class DaemonHost {
  private readonly sockets = new Set<net.Socket>();
  private idleTimer?: NodeJS.Timeout;
  private logFile?: WriteStream;
  private constructor(readonly endpoint: string, readonly core: DaemonCore, private readonly server: net.Server, private readonly lock: HeldLock, private readonly options: HostOptions) {}

  /** Takes the lock (waiting for a CLI command to finish), listens, and serves until the process ends. */
  static async start(options: HostOptions): Promise<DaemonHost> {
    const endpoint = endpointFor(options.storeDir);
    const r = await acquireLockWaiting(options.storeDir, { kind: 'daemon', socket: endpoint, version: VERSION, headless: options.openNow }, CLI_LOCK_WAIT_MS,
      (h) => process.stderr.write(`Waiting for the rampart command (pid ${h.pid}) working on the store to finish...\n`));
    if (!r.acquired) throw new StoreBusyError(r.holder, options.storeDir);
    const lock = r.lock;
    process.on('exit', () => {
      // The socket path is the store's: only while the lock is still ours is the socket there ours to remove.
      if (process.platform !== 'win32' && lock.stillHeld()) rmSync(endpoint, { force: true });
      lock.release();
    });
    let host: DaemonHost | undefined;
    const core = new DaemonCore({
      ...options,
      logSink: (level, line) => host?.writeLog(level, line),
      // A daemon started by `rampart daemon` (openNow) serves a server and its schedule: a window may not end it.
      onExitRequested: options.openNow ? undefined : () => host?.exit('a client asked the daemon to restart'),
    });
    const server = net.createServer((socket) => host?.accept(socket));
    host = new DaemonHost(endpoint, core, server, lock, options);
    // Every window depends on this process: one client's failure is logged, never the end of the daemon.
    process.on('unhandledRejection', (e) => core.log.error(`unexpected error: ${(e as Error)?.message ?? String(e)}`));
    if (options.logToFile) host.logFile = openLog(options.storeDir);
    await host.listen();
    return host;
  }

  private async listen(): Promise<void> {
    const lock = this.lock;
    // The socket path is the store's, whoever serves it: only the lock's holder may replace what is there.
    if (!lock.stillHeld()) {
      const holder = await liveHolder(this.options.storeDir);
      if (holder) throw new StoreBusyError(holder, this.options.storeDir);
      throw new Error(`The lock ${lock.file} was removed while this daemon started; start it again.`);
    }
    await prepareEndpoint(this.endpoint);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.endpoint, () => { this.server.off('error', reject); resolve(); });
    });
    await restrictEndpoint(this.endpoint);
    this.core.log.info(`listening on ${this.endpoint} (lock ${lock.file})`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => this.exit(signal));
    if (this.options.openNow) {
      await this.core.open();
      this.core.startScheduler();
    }
    this.armIdle();
  }

  /** Ends the process; the 'exit' handler removes socket and lock. A sync in flight is failed by the next daemon. */
  exit(why: string): void {
    this.core.log.info(`daemon exiting: ${why}`);
    this.core.close();
    // Closing a listening Unix socket unlinks its path, which is a successor's if the lock has changed hands.
    if (this.lock.stillHeld()) this.server.close();
    for (const s of this.sockets) s.destroy();
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    if (this.logFile) this.logFile.end(() => exit(0));
    else exit(0);
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    clearTimeout(this.idleTimer);
    const connection = socketConnection(socket);
    const session = new Daemon(connection, this.core);
    session.register();
    connection.listen();
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      session.dispose();
      connection.dispose();
      this.armIdle();
    });
  }

  private armIdle(): void {
    const ms = this.options.idleExitMs;
    if (ms === undefined || this.sockets.size) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.sockets.size) return;
      // A scheduled sync running with no window open finishes first.
      if (this.core.busy()) this.armIdle();
      else this.exit(`no client for ${ms} ms`);
    }, ms);
  }

  private writeLog(level: string, line: string): void {
    this.logFile?.write(`${new Date().toISOString()} [${level}] ${line}\n`);
  }
}

/** This daemon's log; the one before (a daemon that crashed, say) is kept beside it as daemon.previous.log. */
function openLog(storeDir: string): WriteStream {
  const file = path.join(storeDir, DAEMON_LOG);
  try {
    renameSync(file, path.join(storeDir, PREVIOUS_DAEMON_LOG));
  } catch {
    // No daemon ran here before.
  }
  return createWriteStream(file, { flags: 'w', mode: 0o600 });
}
