/**
 * Real processes for the one-daemon tests: windows connect the way the extension does (host/connect.ts starts the
 * detached daemon of dist/server.js, or joins the one holding the store's lock), each as an LSP client over the
 * socket with its own in-memory SecretStorage; the CLI is dist/cli.js.
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as net from 'node:net';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../../server/src/protocol';
import { connectOrStart } from '../../server/src/host/connect';
import { DAEMON_LOG, LOCK_FILE, PREVIOUS_DAEMON_LOG, isAlive, liveHolder } from '../../server/src/host/lock';
import { readStoreFiles } from '../../server/src/store/segmented-file';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');
export const CLI = path.resolve(__dirname, '../../dist/cli.js');
/** What the daemon and the CLI inherit: no proxy for the emulator, no ambient secret. */
export const ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost', NO_COLOR: '1', AZURE_CLIENT_SECRET: '' };

export interface Window {
  client: ProtocolConnection;
  socket: net.Socket;
  secrets: Map<string, P.CredentialResult>;
  progress: P.SyncProgress[];
  storeChanged: string[];
  closed: Promise<void>;
  close(): void;
}

/** A window: connects to the store's daemon (starting it if needed) and initializes an LSP session. */
export async function openWindow(storeDir: string, initializationOptions?: P.DaemonSettings): Promise<Window> {
  const socket = await connectOrStart({ storeDir, serverModule: SERVER, env: ENV, idleExitMs: 60_000, timeoutMs: 60_000 });
  const client = createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  const w: Window = {
    client, socket, secrets: new Map(), progress: [], storeChanged: [],
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
    close: () => { client.dispose(); socket.destroy(); },
  };
  client.onRequest(P.GetCredential.type, (p) => w.secrets.get(p.connectionId) ?? null);
  client.onNotification(P.SyncProgressNotification.type, (p) => w.progress.push(p));
  client.onNotification(P.StoreChanged.type, (p) => w.storeChanged.push(p.reason));
  client.listen();
  // A daemon that drops the connection before answering fails the window here, instead of leaving it waiting forever.
  const dropped = w.closed.then(() => { throw new Error(`the daemon closed the connection before answering initialize; its log:\n${daemonLog(storeDir)}`); });
  await Promise.race([client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions }), dropped]);
  dropped.catch(() => undefined);
  await client.sendNotification('initialized', {});
  return w;
}

/** Prints the store's lock, its daemon log and its files: what a failed test needs to be understood. */
export async function printDaemonState(storeDir: string): Promise<void> {
  const read = (name: string) => fs.readFile(path.join(storeDir, name), 'utf8').catch((e: Error) => `(${e.message})`);
  const files = await fs.readdir(storeDir).catch(() => []);
  process.stdout.write(`--- store ${storeDir}: ${files.join(' ')}\n--- ${LOCK_FILE}: ${await read(LOCK_FILE)}--- ${PREVIOUS_DAEMON_LOG}:\n${await read(PREVIOUS_DAEMON_LOG)}--- ${DAEMON_LOG}:\n${await read(DAEMON_LOG)}---\n`);
}

function daemonLog(storeDir: string): string {
  try {
    return readFileSync(path.join(storeDir, DAEMON_LOG), 'utf8');
  } catch (e) {
    return `(${(e as Error).message})`;
  }
}

/** The pid of the daemon holding the store's lock. */
export async function daemonPid(storeDir: string): Promise<number> {
  const h = await liveHolder(storeDir);
  if (h?.kind !== 'daemon') throw new Error(`no daemon holds ${storeDir}`);
  return h.pid;
}

/** Ends the store's daemon (if any) as a user would (SIGTERM: it removes its socket and lock) and waits for it. */
export async function stopDaemon(storeDir: string): Promise<void> {
  const h = await liveHolder(storeDir);
  if (!h || h.pid === process.pid) return;
  process.kill(h.pid, 'SIGTERM');
  await until(`pid ${h.pid} to exit`, () => !isAlive(h.pid));
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, ...args], { env: { ...ENV, ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

export const rampart = (args: string[], env: NodeJS.ProcessEnv = {}) => run(CLI, args, env);

export async function storeData(storeDir: string): Promise<{ runs: { id: string; status: string; connectionId: string; errorCode?: string }[]; audit: { action: string; connectionId?: string; details?: Record<string, unknown> }[]; evidence: { runId?: string; lastRunId?: string }[] }> {
  // The store as on disk (rampart.json with its segments), read beside a daemon that may commit meanwhile: a read that
  // straddles two commits (a segment superseded under it) is read again.
  for (let attempt = 0; ; attempt++) {
    try {
      return await readStoreFiles(storeDir) as unknown as Awaited<ReturnType<typeof storeData>>;
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function until(what: string, cond: () => Promise<boolean> | boolean, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `promise`, or a failure naming `what` after `ms`: a step that hangs (rare, under load) says which one it was instead
 * of the whole test timing out.
 */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
