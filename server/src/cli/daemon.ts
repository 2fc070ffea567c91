/**
 * `rampart daemon`: the store's daemon without an editor. By default the same host the extension starts
 * (host/host.ts): it holds the store's lock and serves editor windows and rampart commands on the user-only socket.
 * `--stdio` speaks LSP to one client on stdin/stdout instead, still holding the lock. Credentials come from the
 * clients, then the sealed file (master key in the environment) or the environment; settings from RAMPART_*
 * variables; the scheduler syncs on its cadence from the start. A window's Restart Daemon does not stop it.
 */
import * as path from 'node:path';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { SdkSessionFactory } from '../azure/clients';
import { Daemon } from '../daemon';
import { DaemonHost, StoreBusyError } from '../host/host';
import { DAEMON_LOG, acquireLock } from '../host/lock';
import { systemClock } from '../util/clock';
import { preferSmallHeap } from '../util/memory';
import { cliCredentials } from './credentials';
import { envSettings } from './env-settings';

export async function daemonCommand(storeDir: string, stdio: boolean): Promise<number> {
  preferSmallHeap();
  const fallbackCredentials = await cliCredentials(storeDir);
  // RAMPART_RETENTION_DAYS and the rest apply from the start: the start prunes revoked connections by retention.
  const options = { storeDir, clock: systemClock, sessions: new SdkSessionFactory(), fallbackCredentials, settings: envSettings() };
  if (!stdio) {
    const host = await DaemonHost.start({ ...options, openNow: true, logToFile: true });
    process.stderr.write(`Rampart daemon (pid ${process.pid}) serving ${storeDir} on ${host.endpoint}; log in ${path.join(storeDir, DAEMON_LOG)}\n`);
    return new Promise<number>(() => undefined);
  }
  const r = await acquireLock(storeDir, { kind: 'daemon' });
  if (!r.acquired) throw new StoreBusyError(r.holder, storeDir);
  process.on('exit', () => r.lock.release());
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  new Daemon(connection, options).register();
  connection.listen();
  // Runs until the client sends exit or closes stdin.
  return new Promise<number>(() => undefined);
}
