/**
 * Process entry of the daemon: wires stdio/IPC to an LSP connection and hands it to the Daemon.
 * Usage: node dist/server.js --store DIR [--node-ipc | --stdio]
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { SdkSessionFactory } from './azure/clients';
import { defaultStoreDir } from './cli/paths';
import { Daemon } from './daemon';
import { systemClock } from './util/clock';
import { preferSmallHeap } from './util/memory';

const args = process.argv.slice(2);
const storeIdx = args.indexOf('--store');
const storeDir = storeIdx >= 0 && args[storeIdx + 1] ? args[storeIdx + 1] : defaultStoreDir();

preferSmallHeap();
const connection = createConnection(ProposedFeatures.all);
new Daemon(connection, { storeDir, clock: systemClock, sessions: new SdkSessionFactory() }).register();
connection.listen();
