/**
 * Runs the real Daemon in-process over a pair of streams and talks to it with a typed LSP client, the way the
 * extension does. Credentials come from an in-memory map, as they would from SecretStorage.
 */
import { PassThrough } from 'node:stream';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'vscode-languageserver/node';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../../server/src/protocol';
import { Daemon } from '../../server/src/daemon';
import { SdkSessionFactory } from '../../server/src/azure/clients';
import type { Clock } from '../../server/src/util/clock';

export const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };

export interface TestDaemon {
  client: ProtocolConnection;
  storeDir: string;
  secrets: Map<string, P.CredentialResult>;
  logs: string[];
  progress: P.SyncProgress[];
  storeChanged: string[];
  stop(): Promise<void>;
}

export async function startDaemon(options: { storeDir?: string; clock?: Clock } = {}): Promise<TestDaemon> {
  const storeDir = options.storeDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-daemon-'));
  const up = new PassThrough(), down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  new Daemon(server, {
    storeDir, clock: options.clock ?? { now: () => new Date() }, sessions: new SdkSessionFactory(FAST_RETRY),
    fallbackCredentials: { get: async () => undefined },
  }).register();
  server.listen();

  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const t: TestDaemon = {
    client, storeDir, secrets: new Map(), logs: [], progress: [], storeChanged: [],
    async stop() {
      client.dispose();
      server.dispose();
    },
  };
  client.onRequest(P.GetCredential.type, (p) => t.secrets.get(p.connectionId) ?? null);
  client.onNotification(P.SyncProgressNotification.type, (p) => t.progress.push(p));
  client.onNotification(P.StoreChanged.type, (p) => t.storeChanged.push(p.reason));
  client.onNotification('window/logMessage', (p: { message: string }) => t.logs.push(p.message));
  client.listen();
  // processId null: with our own pid the server would poll it every few seconds, keeping mocha alive.
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  void client.sendNotification('initialized', {});
  return t;
}
