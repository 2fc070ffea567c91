/**
 * Process entry of the daemon.
 *   node dist/server.js --store DIR --listen [--idle-exit-ms N]   the shared daemon of a store (host/): takes the
 *       store's lock, listens on the user-only socket, serves every window; what the extension starts, detached.
 *   node dist/server.js --store DIR --stdio                       one client on stdin/stdout, holding the store's lock
 *       too (the same as `rampart daemon --stdio`; benchmarks use it).
 */
import { SdkSessionFactory } from './azure/clients';
import { defaultStoreDir } from './cli/paths';
import { daemonCommand } from './cli/daemon';
import { DaemonHost, StoreBusyError } from './host/host';
import { systemClock } from './util/clock';
import { preferSmallHeap } from './util/memory';

/** A second daemon for a store that another daemon serves exits with this code. */
const EXIT_STORE_BUSY = 3;

preferSmallHeap();
const args = process.argv.slice(2);
const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const storeDir = value('--store') ?? defaultStoreDir();

function failed(e: unknown): never {
  process.stderr.write(`rampart daemon: ${(e as Error).message}\n`);
  process.exit(e instanceof StoreBusyError ? EXIT_STORE_BUSY : 1);
}

if (args.includes('--listen')) {
  const idle = value('--idle-exit-ms');
  DaemonHost.start({
    storeDir, clock: systemClock, sessions: new SdkSessionFactory(), logToFile: true,
    idleExitMs: idle !== undefined ? Number(idle) : undefined,
  }).catch(failed);
} else {
  daemonCommand(storeDir, true).catch(failed);
}
