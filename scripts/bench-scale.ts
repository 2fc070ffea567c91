/**
 * Tenant-scale sync benchmark: 200 subscriptions x 50 resource groups x 200 role assignments (plus a secure score
 * with 3 controls, a storage account and a public IP per subscription, and a Key Vault with 2 keys and a secret in
 * every tenth), served by the emulator with a fixed latency per request and ARM's read limits per subscription (a token
 * bucket of 250 reads, 25 a second). The real daemon (dist/server.js, a child process over LSP stdio) syncs it twice,
 * each time into a fresh store: enumerating each subscription, then through Azure Resource Graph (above
 * rampart.sync.resourceGraphThreshold). A third run puts Resource Graph under its documented default quota (15
 * queries per 5 s per user). Prints figures and ratios measured in this run; asserts nothing.
 *   npx tsx scripts/bench-scale.ts [LATENCY_MS=50] [SUBSCRIPTIONS=200] [RUNS=enumeration,graph,quota]
 * To profile the daemon: BENCH_DAEMON_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR' and one run, e.g. `50 200 graph`.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../server/src/protocol';
import { BATCH_SIZE, PAGE_SIZE } from '../server/src/sync/resource-graph';
import { startEmulator } from '../test/emulator/emulator';
import type { Scenario, ScenarioSubscription } from '../test/emulator/scenario';
import { keyVault, publicIp, scoreControl, secureScore, storageAccount } from '../test/emulator/scenarios/posture-builders';
import { startDaemonProcess, stopDaemonProcess } from './daemon-process';

const LATENCY_MS = Number(process.argv[2] ?? 50);
const SUBS = Number(process.argv[3] ?? 200);
const RUNS = new Set((process.argv[4] ?? 'enumeration,graph,quota').split(','));
const GROUPS = 50, ASSIGNMENTS = 200, ARM_PAGE = 100, CONCURRENCY = 8;
const TENANT = '72f988bf-0000-4000-8000-00000005ca1e';
const APP = '11111111-2222-4333-8444-00000005ca1e';
const SECRET = 'bench-scale-secret-not-real';
const guid = (a: number, b: number) => `${a.toString(16).padStart(8, '0')}-0000-4000-8000-${b.toString(16).padStart(12, '0')}`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function tenant(quota?: Scenario['resourceGraphQuota']): Scenario {
  const subscriptions: ScenarioSubscription[] = Array.from({ length: SUBS }, (_, n) => ({
    id: guid(0xc0000000 + n, 1), displayName: `Scale ${n}`,
    resourceGroups: Array.from({ length: GROUPS }, (_, g) => ({ name: `rg-${g}`, location: g % 2 ? 'westeurope' : 'eastus', tags: { team: `t${g % 7}` } })),
    roleAssignments: Array.from({ length: ASSIGNMENTS }, (_, i) => ({
      name: guid(n, i), principalId: guid(0xa0000000 + (i % 700), i), principalType: i % 3 ? 'User' as const : 'Group' as const,
      role: i % 50 === 0 ? 'Owner' : i % 7 === 0 ? 'Contributor' : 'Reader', scope: i % 4 ? `resourceGroups/rg-${i % GROUPS}` : '',
    })),
    secureScores: [secureScore(20 + (n % 15), 40)],
    secureScoreControls: [0, 1, 2].map((c) => scoreControl(guid(0xd0000000 + c, n), `Control ${c}`, c, 4, 10 - c, c)),
    storageAccounts: [storageAccount(`st${n}`, 'rg-0', 'eastus', {
      allowBlobPublicAccess: n % 10 === 0, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, publicNetworkAccess: 'Enabled', allowSharedKeyAccess: false, networkAcls: { defaultAction: 'Deny' },
    })],
    publicIpAddresses: [publicIp(`pip${n}`, 'rg-1', 'eastus', `20.0.${n >> 8}.${n & 255}`)],
    keyVaults: n % 10 ? [] : [keyVault(`kv${n}`, 'rg-2', 'eastus', TENANT, { enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: 'Disabled' },
      [{ name: 'k1', expires: '2030-01-01T00:00:00Z', rotateAfter: 'P90D' }, { name: 'k2' }], [{ name: 's1', expires: '2029-01-01T00:00:00Z' }])],
  }));
  return {
    tenant: { id: TENANT, displayName: 'Scale' }, apps: [{ clientId: APP, secret: SECRET, subscriptions: '*' }], pageSize: ARM_PAGE, subscriptions,
    throttle: { burst: 250, refillPerSecond: 25 }, ...(quota ? { resourceGraphQuota: quota } : {}),
  };
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

interface Measured {
  label: string; ms: number; readMs: number; run: P.RunSummary; daemonCpuMs: number; benchCpuMs: number;
  arm: number; graph: number; throttled: number; chain: number; lowerBoundMs: number;
}

/** One sync by a fresh daemon with a fresh store. `threshold`: rampart.sync.resourceGraphThreshold. */
async function syncOnce(label: string, threshold: number, quota?: Scenario['resourceGraphQuota']): Promise<Measured> {
  const emu = await startEmulator({ scenario: tenant(quota), faults: [{ route: '.*', latencyMs: LATENCY_MS }] });
  // When each answer left the emulator: the log is appended just before the answer is written.
  const answeredAt: number[] = [];
  const push = emu.requests.push.bind(emu.requests);
  emu.requests.push = (...entries) => { answeredAt.push(performance.now()); return push(...entries); };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bench-scale-'));
  const daemon = await startDaemonProcess(dir, emu.caFile, SECRET, { sync: { schedule: 'off', resourceGraphThreshold: threshold } });
  const { client } = daemon;
  try {
    const c = await client.sendRequest(P.Connect.type, {
      name: 'Scale', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
      cloud: { name: 'Custom', authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile },
    });
    const before = emu.requests.length;
    const cpu0 = [cpuMs(daemon.child.pid), process.cpuUsage()] as const;
    const t0 = performance.now();
    const [run] = await client.sendRequest(P.Sync.type, { connectionId: c.id });
    const ms = performance.now() - t0;
    const daemonCpuMs = cpuMs(daemon.child.pid) - cpu0[0];
    const used = process.cpuUsage(cpu0[1]);
    const benchCpuMs = (used.user + used.system) / 1000;
    if (run.status !== 'succeeded') throw new Error(`${label}: sync ${run.status}: ${run.error}`);
    const log = emu.requests.slice(before);
    if (process.env.BENCH_TIMELINE) log.forEach((r, i) => console.log(`${(answeredAt[before + i] - t0).toFixed(0).padStart(6)} ms ${r.status} ${r.method} ${r.path.slice(0, 90)}`));
    const readMs = Math.max(...answeredAt.slice(before)) - t0;
    const azure = log.filter((r) => !/oauth2|openid|discovery/i.test(r.path));
    const graph = azure.filter((r) => /Microsoft\.ResourceGraph/i.test(r.path));
    const pagesOf = (p: RegExp) => azure.filter((r) => p.test(r.path)).length;
    // Longest chain of requests that must follow each other: the token, the subscription list's pages, then the
    // longest list (each page's link comes with the previous page; through Resource Graph, a query's first page,
    // then all its other pages at once), then a vault's contents after the vault list.
    const longestList = graph.length
      ? (Math.min(BATCH_SIZE, SUBS) * ASSIGNMENTS > PAGE_SIZE ? 2 : 1)
      : Math.max(...[...new Set(azure.map((r) => r.path))].filter((p) => !/^\/subscriptions$/i.test(p)).map((p) => azure.filter((r) => r.path === p).length));
    const chain = 1 + pagesOf(/^\/subscriptions$/i) + longestList + 1;
    const lowerBoundMs = Math.max((azure.length * LATENCY_MS) / CONCURRENCY, chain * LATENCY_MS);
    return { label, ms, readMs, run, daemonCpuMs, benchCpuMs, arm: azure.length - graph.length, graph: graph.length, throttled: azure.filter((r) => r.status === 429).length, chain, lowerBoundMs };
  } finally {
    await stopDaemonProcess(daemon);
    await emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function report(m: Measured): void {
  console.log(`${m.label}: sync ${s(m.ms)} (Azure reads done at ${s(m.readMs)}); ${m.arm} ARM requests + ${m.graph} Resource Graph requests, ${m.throttled} answered 429; ` +
    `${m.run.counts.roleAssignments} role assignments, ${m.run.counts.resourceGroups} resource groups, ${m.run.counts.evidence} evidence rows`);
  console.log(`  critical-path lower bound ${s(m.lowerBoundMs)} = max(requests x ${LATENCY_MS} ms / concurrency ${CONCURRENCY}, chain of ${m.chain} dependent requests x ${LATENCY_MS} ms)` +
    ` -> reads ${(m.readMs / m.lowerBoundMs).toFixed(2)}x the bound, whole sync ${(m.ms / m.lowerBoundMs).toFixed(2)}x`);
  console.log(`  CPU during the sync: daemon ${s(m.daemonCpuMs)}, emulator (this process) ${s(m.benchCpuMs)}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cpus`);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cpu; ${SUBS} subscriptions x ${GROUPS} resource groups x ${ASSIGNMENTS} role assignments; ` +
    `${LATENCY_MS} ms per request; ARM read bucket 250 burst, 25/s per subscription; ARM page ${ARM_PAGE}, Resource Graph page ${PAGE_SIZE}, ${BATCH_SIZE} subscriptions per query; daemon concurrency ${CONCURRENCY}`);
  const enumerated = RUNS.has('enumeration') ? await syncOnce('enumerating each subscription', 1_000_000) : undefined;
  if (enumerated) report(enumerated);
  const graph = RUNS.has('graph') ? await syncOnce('Azure Resource Graph', 50) : undefined;
  if (graph) report(graph);
  if (enumerated && graph) {
    console.log(`Resource Graph vs enumeration at ${SUBS} subscriptions (target: Resource Graph >= 5x faster; evidence rows ${graph.run.counts.evidence} vs ${enumerated.run.counts.evidence}):`);
    console.log(`  Azure reads (sync start to the last answer): ${s(enumerated.readMs)} / ${s(graph.readMs)} = ${(enumerated.readMs / graph.readMs).toFixed(1)}x faster`);
    console.log(`  whole sync (reads + evidence merge + store write): ${s(enumerated.ms)} / ${s(graph.ms)} = ${(enumerated.ms / graph.ms).toFixed(1)}x faster`);
  }
  if (!RUNS.has('quota')) return;
  const quota = await syncOnce('Azure Resource Graph under its default quota (15 queries / 5 s)', 50, { queries: 15, windowSeconds: 5 });
  report(quota);
  if (enumerated) console.log(`  with that quota: ${(enumerated.ms / quota.ms).toFixed(1)}x the speed of enumeration`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
