/**
 * One daemon for all windows: what a window pays to start the store's daemon (spawn, lock, socket, store open,
 * initialize) against joining the one already running, and the daemon memory of W windows with one shared daemon
 * against one daemon per window (the former design, `--stdio`). Real processes (dist/server.js), empty stores.
 * Prints figures; asserts nothing.
 *   Run: node esbuild.mjs && npx tsx scripts/bench-one-daemon.ts [windows] [rounds]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { connectOrStart } from '../server/src/host/connect';
import { isAlive, liveHolder } from '../server/src/host/lock';

const WINDOWS = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 5);
const server = path.resolve(__dirname, '..', 'dist', 'server.js');
if (!existsSync(server)) {
  console.error(`${server} is missing: run 'node esbuild.mjs' first`);
  process.exit(1);
}

async function initialize(reader: NodeJS.ReadableStream, writer: NodeJS.WritableStream): Promise<ProtocolConnection> {
  const c = createProtocolConnection(new StreamMessageReader(reader), new StreamMessageWriter(writer));
  c.onRequest('rampart/getCredential', () => null);
  c.listen();
  await c.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  return c;
}

async function openWindow(store: string): Promise<{ ms: number; c: ProtocolConnection; socket: net.Socket }> {
  const t0 = performance.now();
  const socket = await connectOrStart({ storeDir: store, serverModule: server, idleExitMs: 30_000 });
  const c = await initialize(socket, socket);
  return { ms: performance.now() - t0, c, socket };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function stop(store: string): Promise<void> {
  const h = await liveHolder(store);
  if (!h) return;
  process.kill(h.pid, 'SIGTERM');
  while (isAlive(h.pid)) await new Promise((r) => setTimeout(r, 20));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const first: number[] = [], join: number[] = [];
  let sharedRss = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const store = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-one-'));
    const windows = [];
    for (let w = 0; w < WINDOWS; w++) windows.push(await openWindow(store));
    first.push(windows[0].ms);
    join.push(...windows.slice(1).map((w) => w.ms));
    sharedRss = rssMb((await liveHolder(store))!.pid);
    for (const w of windows) { w.c.dispose(); w.socket.destroy(); }
    await stop(store);
    rmSync(store, { recursive: true, force: true });
  }

  // The former design: every window its own daemon (one client each, over stdio). Each on its own empty store: a
  // daemon holds its store's lock, which is what the former design lacked.
  const stores: string[] = [];
  const children: ChildProcess[] = [];
  let perWindowRss = 0;
  for (let w = 0; w < WINDOWS; w++) {
    const store = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-one-'));
    stores.push(store);
    const child = spawn(process.execPath, [server, '--store', store, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    const c = await initialize(child.stdout!, child.stdin!);
    perWindowRss += rssMb(child.pid!);
    c.dispose();
  }
  for (const c of children) c.kill();
  for (const store of stores) rmSync(store, { recursive: true, force: true });

  console.log(`${WINDOWS} windows, ${ROUNDS} rounds, empty store`);
  console.log(`first window (starts the daemon): median ${median(first).toFixed(0)} ms`);
  console.log(`another window (joins it):        median ${median(join).toFixed(0)} ms  (${(median(first) / median(join)).toFixed(1)}x faster)`);
  console.log(`daemon memory, one shared daemon: ${sharedRss.toFixed(0)} MB RSS`);
  console.log(`daemon memory, one per window:    ${perWindowRss.toFixed(0)} MB RSS  (${(perWindowRss / sharedRss).toFixed(1)}x more)`);
}

void main();
