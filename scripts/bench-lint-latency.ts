/**
 * Edit-to-diagnostics latency in the daemon for a 5,000-line Bicep file after a one-character edit, over the real LSP
 * streams (the built daemon, dist/server.js, as a child process on stdio), against an LSP round trip that does no
 * work (a request the daemon has no handler for). Prints figures; asserts nothing.
 *   Run: node esbuild.mjs && npx tsx scripts/bench-lint-latency.ts [edits]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { allOperations, lintText } from '../server/src/lint';

const EDITS = Number(process.argv[2] ?? 50);
const server = path.resolve(__dirname, '..', 'dist', 'server.js');
if (!existsSync(server)) {
  console.error(`${server} is missing: run 'node esbuild.mjs' first`);
  process.exit(1);
}

// ---- a 5,000-line Bicep file: role definitions, assignments and a storage account per block ----
let seed = 7;
const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
const ops = allOperations('action').map((o) => o.name);
function block(k: number): string {
  return `resource rd${k} 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'role-${k}')
  properties: {
    roleName: 'role ${k}'
    description: 'generated for the latency benchmark'
    permissions: [
      {
        actions: [
${Array.from({ length: 12 }, () => `          '${ops[rand(ops.length)]}'`).join('\n')}
        ]
        notActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource ra${k} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, 'assignment-${k}')
  properties: {
    roleDefinitionId: rd${k}.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`;
}
const parts = ['targetScope = \'resourceGroup\'', '', 'param principalId string', ''];
let k = 0;
while (parts.join('\n').split('\n').length < 5000) parts.push(block(k++));
const text = parts.join('\n').split('\n').slice(0, 5000).join('\n') + '\n';
const lines = text.split('\n');
// The edit: one character in the middle of the file (inside a role name), added then removed.
const editLine = lines.findIndex((l, i) => i > 2500 && l.includes("roleName: 'role "));
const editChar = lines[editLine].lastIndexOf("'");

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const f = (x: number) => x.toFixed(2);

async function main(): Promise<void> {
  const store = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-'));
  const child = spawn(process.execPath, [server, '--stdio', '--store', store], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = new Map<number, (t: number) => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const w = p.version !== undefined ? waiters.get(p.version) : undefined;
    if (w) { waiters.delete(p.version!); w(performance.now()); }
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await conn.sendNotification('initialized', {});

  const uri = 'file:///bench/main.bicep';
  const published = (version: number) => new Promise<number>((resolve) => waiters.set(version, resolve));
  let version = 1;
  let first = published(1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version, text } });
  const t0 = performance.now();
  await first;
  const openMs = performance.now() - t0;

  const edit = async (insert: boolean): Promise<number> => {
    version++;
    const done = published(version);
    const start = performance.now();
    const range = insert
      ? { start: { line: editLine, character: editChar }, end: { line: editLine, character: editChar } }
      : { start: { line: editLine, character: editChar }, end: { line: editLine, character: editChar + 1 } };
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
    return (await done) - start;
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // Warm-up (JIT, catalog caches), then one edit at a time with a typing pause between them.
  for (let i = 0; i < 6; i++) { await edit(i % 2 === 0); await pause(150); }
  const latencies: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    latencies.push(await edit(i % 2 === 0));
    await pause(150);
  }

  // A burst: 10 keystrokes 30 ms apart; the time from the last one to the diagnostics of the final version.
  const bursts: number[] = [];
  for (let b = 0; b < 5; b++) {
    let last = 0;
    let done: Promise<number> | undefined;
    for (let i = 0; i < 10; i++) {
      version++;
      done = published(version);
      const insert = i % 2 === 0;
      const range = insert
        ? { start: { line: editLine, character: editChar }, end: { line: editLine, character: editChar } }
        : { start: { line: editLine, character: editChar }, end: { line: editLine, character: editChar + 1 } };
      last = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
      if (i < 9) await pause(30);
    }
    bursts.push((await done!) - last);
    await pause(200);
  }

  // An LSP round trip that does no work: a request without a handler (answered MethodNotFound at once).
  const rtts: number[] = [];
  for (let i = 0; i < EDITS + 6; i++) {
    const s = performance.now();
    await conn.sendRequest('rampart/benchNoSuchMethod', {}).catch(() => undefined);
    if (i >= 6) rtts.push(performance.now() - s);
  }

  // The lint alone, in this process, for reference.
  const lintMs: number[] = [];
  for (let i = 0; i < 20; i++) { const s = performance.now(); lintText('main.bicep', text); lintMs.push(performance.now() - s); }

  const p50 = pct(latencies, 50), p95 = pct(latencies, 95), r50 = pct(rtts, 50), r95 = pct(rtts, 95);
  console.log(`Bicep file: ${lines.length - 1} lines, ${(text.length / 1024).toFixed(0)} KB; ${EDITS} one-character edits (150 ms apart) over stdio to dist/server.js`);
  console.log(`open → diagnostics: ${f(openMs)} ms`);
  console.log(`edit → diagnostics: p50 ${f(p50)} ms, p95 ${f(p95)} ms, max ${f(Math.max(...latencies))} ms`);
  console.log(`no-op LSP round trip: p50 ${f(r50)} ms, p95 ${f(r95)} ms`);
  console.log(`ratio edit→diagnostics / no-op round trip: p50 ${f(p50 / r50)}x, p95 ${f(p95 / r95)}x`);
  console.log(`lint alone (in process): p50 ${f(pct(lintMs, 50))} ms`);
  console.log(`typing burst (10 keys, 30 ms apart) last key → diagnostics: p50 ${f(pct(bursts, 50))} ms (debounced: one lint after the burst)`);

  conn.dispose();
  child.kill();
  rmSync(store, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
