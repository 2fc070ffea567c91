/**
 * Evidence engine benchmark. A tenant generated in memory (20 subscriptions x 2,000 role assignments, 500 storage
 * accounts, 200 vaults x 20 keys) is served by the emulator with a fixed latency per request and synced by the real
 * daemon (dist/server.js, a child process over LSP stdio, as the extension runs it). Then, in this process, the
 * evidence engine alone: writing 100,000 evidence rows (merge and the store's atomic write) and coverage over them.
 * Prints figures; asserts nothing (machines vary). Needs `node esbuild.mjs` first (`npm run bench` does it).
 *   npx tsx scripts/bench-evidence.ts [LATENCY_MS=20]
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../server/src/protocol';
import { coverage } from '../server/src/core/queries';
import { mergeEvidence, type Observation } from '../server/src/evidence/evidence';
import { SEGMENT_DIR } from '../server/src/store/segmented-file';
import { Store } from '../server/src/store/store';
import { startEmulator } from '../test/emulator/emulator';
import type { Scenario, ScenarioSubscription } from '../test/emulator/scenario';
import { keyVault, storageAccount } from '../test/emulator/scenarios/posture-builders';
import { startDaemonProcess } from './daemon-process';

const LATENCY_MS = Number(process.argv[2] ?? 20);
const SUBS = 20, ASSIGNMENTS = 2_000, STORAGE = 500, VAULTS = 200, KEYS = 20, PAGE = 100, CONCURRENCY = 8;
const ROWS = 100_000;
const TENANT = '72f988bf-0000-4000-8000-0000000be4c4';
const APP = '11111111-2222-4333-8444-0000000be4c4';
const SECRET = 'bench-secret-not-real';
const guid = (a: number, b: number) => `${a.toString(16).padStart(8, '0')}-0000-4000-8000-${b.toString(16).padStart(12, '0')}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function tenant(): Scenario {
  const subscriptions: ScenarioSubscription[] = Array.from({ length: SUBS }, (_, s) => ({
    id: guid(0xb0000000 + s, 1), displayName: `Bench ${s}`,
    resourceGroups: Array.from({ length: 5 }, (_, g) => ({ name: `rg-${g}`, location: 'eastus' })),
    roleAssignments: Array.from({ length: ASSIGNMENTS }, (_, i) => ({
      name: guid(s, i), principalId: guid(0xa0000000 + (i % 500), i), principalType: i % 3 ? 'User' as const : 'Group' as const,
      role: i % 97 === 0 ? 'Owner' : 'Reader', scope: i % 2 ? `resourceGroups/rg-${i % 5}` : '',
    })),
    storageAccounts: [], keyVaults: [],
  }));
  for (let i = 0; i < STORAGE; i++) {
    subscriptions[i % SUBS].storageAccounts!.push(storageAccount(`st${i}`, `rg-${i % 5}`, 'eastus', {
      allowBlobPublicAccess: i % 10 === 0, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, publicNetworkAccess: 'Enabled',
      allowSharedKeyAccess: false, networkAcls: { defaultAction: 'Deny' },
    }));
  }
  for (let v = 0; v < VAULTS; v++) {
    subscriptions[v % SUBS].keyVaults!.push(keyVault(`kv${v}`, `rg-${v % 5}`, 'eastus', TENANT,
      { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: 'Disabled' },
      Array.from({ length: KEYS }, (_, k) => ({ name: `key${k}`, expires: '2030-01-01T00:00:00Z', rotateAfter: k % 4 ? 'P90D' : undefined }))));
  }
  return { tenant: { id: TENANT, displayName: 'Bench' }, apps: [{ clientId: APP, secret: SECRET, subscriptions: '*' }], pageSize: PAGE, subscriptions };
}

/** Peak resident memory of a process (Linux VmHWM), in bytes. */
function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The store's size: rampart.json and the segment files it names (one per connection; the backup's not counted). */
async function storeSize(dir: string): Promise<{ bytes: number; segmentFiles: string[] }> {
  const main = JSON.parse(await fs.readFile(path.join(dir, 'rampart.json'), 'utf8')) as { segments: Record<string, string> };
  const segmentFiles = Object.values(main.segments).map((n) => path.join(dir, SEGMENT_DIR, n));
  let bytes = (await fs.stat(path.join(dir, 'rampart.json'))).size;
  for (const f of segmentFiles) bytes += (await fs.stat(f)).size;
  return { bytes, segmentFiles };
}

async function syncThroughDaemon(dir: string): Promise<void> {
  const emu = await startEmulator({ scenario: tenant(), faults: [{ route: '.*', latencyMs: LATENCY_MS }] });
  const storeDir = path.join(dir, 'daemon-store');
  const { child, client } = await startDaemonProcess(storeDir, emu.caFile, SECRET);
  try {
    const c = await client.sendRequest(P.Connect.type, {
      name: 'Bench', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: { name: 'Custom', authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile },
    });
    const rssIdle = peakRss(child.pid!);
    const results: { ms: number; run: P.RunSummary; requests: number }[] = [];
    for (const label of ['first sync', 'second sync (unchanged)']) {
      const before = emu.requests.length;
      const t0 = performance.now();
      const [run] = await client.sendRequest(P.Sync.type, { connectionId: c.id });
      const ms = performance.now() - t0;
      if (run.status !== 'succeeded') throw new Error(`${label} ${run.status}: ${run.error}`);
      results.push({ ms, run, requests: emu.requests.length - before });
    }
    // Critical path: the longest chain of requests that must follow each other (pages of one list: each page's
    // nextLink comes with the previous page), plus the subscription list and sign-in before any of them.
    const arm = emu.requests.filter((r) => !/token|openid|discovery|common|organizations/i.test(r.path));
    const chains = new Map<string, number>();
    for (const r of arm) chains.set(r.path.toLowerCase(), (chains.get(r.path.toLowerCase()) ?? 0) + 1);
    const longest = Math.max(...chains.values()) / 2; // two syncs
    const cov = await client.sendRequest(P.Coverage.type, {});
    const peak = peakRss(child.pid!);
    const { bytes: storeBytes, segmentFiles } = await storeSize(storeDir);
    console.log(`Tenant: ${SUBS} subscriptions x ${ASSIGNMENTS} role assignments, ${STORAGE} storage accounts, ${VAULTS} vaults x ${KEYS} keys; ` +
      `emulator latency ${LATENCY_MS} ms/request, page size ${PAGE}, daemon concurrency ${CONCURRENCY} per connection`);
    for (const [i, r] of results.entries()) {
      const lowerBound = Math.max((r.requests * LATENCY_MS) / CONCURRENCY, (longest + 2) * LATENCY_MS);
      console.log(`${i ? 'second sync (unchanged)' : 'first sync'}: ${(r.ms / 1000).toFixed(2)} s for ${r.requests} requests; ` +
        `lower bound ${(lowerBound / 1000).toFixed(2)} s (max(requests x latency / concurrency, longest page chain ${longest}+2 x latency)) ` +
        `-> ${(r.ms / lowerBound).toFixed(2)}x the bound; ${r.run.counts.evidence} observations, ${r.run.counts.newEvidence} new rows`);
    }
    const data = JSON.parse(await fs.readFile(segmentFiles[0], 'utf8')) as { evidence: unknown[]; inventory: Record<string, unknown[]> };
    const part = (v: unknown) => mb(Buffer.byteLength(JSON.stringify(v, null, 1)));
    const tables = Object.entries(data.inventory).filter(([, v]) => v.length).map(([k, v]) => `${k} ${v.length} ${part(v)}`).join(', ');
    console.log(`store after two syncs: ${mb(storeBytes)} (rampart.json and ${segmentFiles.length} segment): evidence ${(data.evidence as unknown[]).length} rows ${part(data.evidence)}; inventory ${tables}`);
    console.log(`daemon peak RSS: ${peak ? mb(peak) : 'n/a (no /proc)'} (target < 400 MB; ${rssIdle ? mb(rssIdle) : '?'} before the first sync)`);
    console.log(`coverage from the daemon: ${cov.map((x) => `${x.control} ${x.state} ${x.percent}%`).join(', ')}`);
    await client.sendRequest('shutdown');
    void client.sendNotification('exit');
  } finally {
    client.dispose();
    child.kill();
    await emu.stop();
  }
}

function observations(n: number): Observation[] {
  const types = ['role-assignment', 'storage-account', 'key-vault-key', 'resource-group', 'public-ip'];
  return Array.from({ length: n }, (_, i) => {
    const type = types[i % types.length];
    return {
      type, subject: `/subscriptions/${guid(i % SUBS, 1)}/resourceGroups/rg-${i % 5}/providers/x/${type}/${i}`, subscriptionId: guid(i % SUBS, 1),
      status: i % 13 === 0 ? 'fail' : i % 17 === 0 ? 'unknown' : 'pass', data: { name: `item-${i}`, n: i, flag: i % 2 === 0 },
    };
  });
}

async function engine(dir: string): Promise<void> {
  const store = await Store.open(path.join(dir, 'engine-store'));
  const at = '2026-03-01T00:00:00.000Z';
  await store.update((d) => {
    d.connections.push({ id: 'c1', name: 'Bench', tenantId: TENANT, clientId: APP, credentialKind: 'secret', subscriptions: [], cloud: { name: 'AzureCloud' }, createdAt: at, status: 'active', lastSyncAt: at });
  });
  const obs = observations(ROWS);
  const t0 = performance.now();
  let mergeMs = 0;
  await store.update((d) => {
    const m0 = performance.now();
    mergeEvidence(d.evidence, obs, { connectionId: 'c1', tenantId: TENANT, runId: 'run1', at });
    mergeMs = performance.now() - m0;
  }, { rows: ['c1'] });
  const writeMs = performance.now() - t0;
  const fileBytes = (await storeSize(store.dir)).bytes;
  // A second, unchanged sync of the same 100,000 rows: fingerprints match, only lastSeenAt moves.
  const t1 = performance.now();
  await store.update((d) => { mergeEvidence(d.evidence, obs, { connectionId: 'c1', tenantId: TENANT, runId: 'run2', at }); }, { rows: ['c1'] });
  const rewriteMs = performance.now() - t1;
  const now = new Date('2026-03-01T12:00:00.000Z');
  coverage(store.data, { now }); // warm-up
  const runs = 10;
  const c0 = performance.now();
  for (let i = 0; i < runs; i++) coverage(store.data, { now });
  const covMs = (performance.now() - c0) / runs;
  console.log(`write ${ROWS.toLocaleString('en')} evidence rows: ${writeMs.toFixed(0)} ms (merge with fingerprints ${mergeMs.toFixed(0)} ms + atomic store write of ${mb(fileBytes)}) (target < 1000 ms)`);
  console.log(`same ${ROWS.toLocaleString('en')} rows again (unchanged, lastSeenAt only): ${rewriteMs.toFixed(0)} ms`);
  console.log(`coverage over ${ROWS.toLocaleString('en')} rows: ${covMs.toFixed(1)} ms (mean of ${runs}) (target < 100 ms)`);
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bench-evidence-'));
  console.log(`node ${process.version}, ${os.cpus().length} cpu`);
  try {
    await syncThroughDaemon(dir);
    await engine(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
