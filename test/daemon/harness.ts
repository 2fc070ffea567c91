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
import type { ThrottleSettings } from '../../server/src/azure/throttling';
import type { Clock } from '../../server/src/util/clock';
import { FakeTimer } from './fake-timer';

export const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };
/** Throttling back-off and pacing scaled down for tests (the shape of the defaults, milliseconds instead of seconds). */
export const FAST_THROTTLE: ThrottleSettings = { maxRetries: 5, baseDelayMs: 20, maxDelayMs: 200, lowWatermark: 50, slowDelayMs: 300 };

export interface TestDaemon {
  client: ProtocolConnection;
  storeDir: string;
  secrets: Map<string, P.CredentialResult>;
  logs: string[];
  progress: P.SyncProgress[];
  storeChanged: string[];
  /** The scheduler's timer: never fires unless the test fires it. */
  timer: FakeTimer;
  stop(): Promise<void>;
}

export async function startDaemon(options: { storeDir?: string; clock?: Clock; initializationOptions?: P.DaemonSettings; throttle?: ThrottleSettings; random?: () => number; user?: () => string } = {}): Promise<TestDaemon> {
  const storeDir = options.storeDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-daemon-'));
  const up = new PassThrough(), down = new PassThrough();
  const timer = new FakeTimer();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const daemon = new Daemon(server, {
    storeDir, clock: options.clock ?? { now: () => new Date() }, sessions: new SdkSessionFactory(FAST_RETRY, options.throttle ?? FAST_THROTTLE),
    fallbackCredentials: { get: async () => undefined }, timer, random: options.random, user: options.user,
  });
  daemon.register();
  server.listen();

  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const t: TestDaemon = {
    client, storeDir, secrets: new Map(), logs: [], progress: [], storeChanged: [], timer,
    async stop() {
      // As the daemon host does when a window leaves: its session ends (pending lints included), then the connection.
      daemon.dispose();
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
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: options.initializationOptions });
  void client.sendNotification('initialized', {});
  return t;
}
