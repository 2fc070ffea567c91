/**
 * Process entry of the daemon.
 *   node dist/server.js --store DIR --listen [--idle-exit-ms N]   the shared daemon of a store (host/): takes the
 *       store's lock, listens on the user-only socket, serves every window; what the extension starts, detached.
 *   node dist/server.js --store DIR [--node-ipc | --stdio]        one client over IPC or stdio (kept for tools).
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { SdkSessionFactory } from './azure/clients';
import { defaultStoreDir } from './cli/paths';
import { Daemon } from './daemon';
import { DaemonHost, StoreBusyError } from './host/host';
import { systemClock } from './util/clock';
import { preferSmallHeap } from './util/memory';

/** A second daemon for a store that another daemon serves exits with this code. */
const EXIT_STORE_BUSY = 3;

preferSmallHeap();
const args = process.argv.slice(2);
const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const storeDir = value('--store') ?? defaultStoreDir();

if (args.includes('--listen')) {
  const idle = value('--idle-exit-ms');
  DaemonHost.start({
    storeDir, clock: systemClock, sessions: new SdkSessionFactory(), logToFile: true,
    idleExitMs: idle !== undefined ? Number(idle) : undefined,
  }).catch((e: unknown) => {
    process.stderr.write(`rampart daemon: ${(e as Error).message}\n`);
    process.exit(e instanceof StoreBusyError ? EXIT_STORE_BUSY : 1);
  });
} else {
  const connection = createConnection(ProposedFeatures.all);
  new Daemon(connection, { storeDir, clock: systemClock, sessions: new SdkSessionFactory() }).register();
  connection.listen();
}
