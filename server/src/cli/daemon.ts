/**
 * `rampart daemon`: the daemon without an editor, speaking LSP on stdin/stdout (as the extension's own daemon does
 * over IPC). Credentials come from the sealed file (master key in the environment) or the environment; the
 * scheduler syncs on its cadence.
 */
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { SdkSessionFactory } from '../azure/clients';
import { Daemon } from '../daemon';
import { systemClock } from '../util/clock';
import { preferSmallHeap } from '../util/memory';
import { cliCredentials } from './credentials';

export async function daemonCommand(storeDir: string): Promise<number> {
  preferSmallHeap();
  const fallbackCredentials = await cliCredentials(storeDir);
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  new Daemon(connection, { storeDir, clock: systemClock, sessions: new SdkSessionFactory(), fallbackCredentials }).register();
  connection.listen();
  // Runs until the client sends exit or closes stdin.
  return new Promise<number>(() => undefined);
}
