/**
 * For benchmarks: the real daemon (dist/server.js) as a child process over LSP stdio, as the extension runs it,
 * trusting the emulator's CA and answering every credential request with one secret. Needs `node esbuild.mjs` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { type ProtocolConnection, StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../server/src/protocol';

export interface DaemonProcess { child: ChildProcess; client: ProtocolConnection }

/** Starts and initializes the daemon on `storeDir`. BENCH_DAEMON_NODE_OPTIONS adds node flags (e.g. --cpu-prof). */
export async function startDaemonProcess(storeDir: string, caFile: string, secret: string, initializationOptions?: P.DaemonSettings): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_DAEMON_NODE_OPTIONS ?? '').split(' ').filter(Boolean), path.resolve('dist/server.js'), '--store', storeDir, '--stdio'], {
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: caFile }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  client.onRequest(P.GetCredential.type, () => ({ secret }));
  client.onNotification('window/logMessage', () => undefined);
  client.onRequest('workspace/configuration', () => [null]);
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions });
  void client.sendNotification('initialized', {});
  return { child, client };
}

/** Asks the daemon to shut down and exit, waits for it (so a --cpu-prof is written), then makes sure it is gone. */
export async function stopDaemonProcess({ child, client }: DaemonProcess, waitMs = 10_000): Promise<void> {
  const exited = new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', () => resolve()); });
  try {
    await client.sendRequest('shutdown');
    void client.sendNotification('exit');
    await Promise.race([exited, new Promise((r) => setTimeout(r, waitMs))]);
  } finally {
    client.dispose();
    child.kill();
  }
}
