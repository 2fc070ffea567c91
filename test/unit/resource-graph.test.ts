/**
 * The Resource Graph path of the sync, through the real @azure/arm-resourcegraph client against the emulator: the
 * same evidence as the per-subscription path, the threshold that picks the path, $skipToken paging over several
 * pages, ARG's quota 429s, and the emulator's own query handling.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AzureSession, SdkSessionFactory } from '../../server/src/azure/clients';
import { resolveCloud } from '../../server/src/azure/clouds';
import { SyncError } from '../../server/src/azure/errors';
import { applySettings, DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { fingerprint, observe } from '../../server/src/evidence/evidence';
import { collect } from '../../server/src/sync/collect';
import { ABOVE_AND_BELOW, queryAll, PAGE_SIZE, QUERIES, ResourceGraphError } from '../../server/src/sync/resource-graph';
import { roleAssignmentRecord } from '../../server/src/sync/resource-graph-map';
import type { Inventory } from '../../server/src/store/schema';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';
import { KqlError, parseKql, runKql } from '../emulator/kql';

process.env.NO_PROXY = '127.0.0.1,localhost';
const SAMPLE = join(__dirname, '..', 'emulator', 'scenarios', 'sample.json');
const FAST_RETRY = { maxRetries: 1, retryDelayInMs: 20, maxRetryDelayInMs: 50 };
const FAST_THROTTLE = { maxRetries: 6, baseDelayMs: 20, maxDelayMs: 2_000, lowWatermark: 5, slowDelayMs: 20 };
const NOW = new Date('2026-11-01T00:00:00Z');
const READER = { clientId: '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01', secret: 'demo-secret-value-not-real' };
const LIMITED = { clientId: '5a9c7e23-1b4d-4f66-8e2a-7c3d9b0f1a02', secret: 'limited-secret-value-not-real' };
const PROD = 'b6f1c2d3-4e5f-4a7b-9c8d-1e2f3a4b5c01';
const DEV = 'c7a2d3e4-5f6a-4b8c-8d9e-2f3a4b5c6d02';
const ARG_PATH = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;

async function session(emu: EmulatorHandle, app = READER): Promise<AzureSession> {
  const cloud = resolveCloud({ name: 'Custom', authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile });
  return new SdkSessionFactory(FAST_RETRY, FAST_THROTTLE).create(cloud, emu.tenantId, app.clientId, { secret: app.secret });
}

async function read(emu: EmulatorHandle, threshold: number | undefined, o: { app?: typeof READER; subscriptions?: string[] } = {}): Promise<Inventory> {
  const app = o.app ?? READER;
  return collect({
    session: await session(emu, app), connectionId: 'c1', tenantId: emu.tenantId, subscriptions: o.subscriptions ?? [], concurrency: 4,
    resourceGraphThreshold: threshold, abortSignal: new AbortController().signal,
    errors: { connectionName: 'test', clientId: app.clientId, tenantId: emu.tenantId }, progress: () => undefined,
  });
}

/** Requests the emulator answered since `from`: Resource Graph queries, and per-subscription ARM lists. */
function traffic(emu: EmulatorHandle, from: number) {
  const arm = emu.requests.slice(from).filter((r) => !/oauth2|openid|discovery/i.test(r.path));
  return {
    graph: arm.filter((r) => ARG_PATH.test(r.path)),
    perSubscription: arm.filter((r) => /^\/subscriptions\/[^/]+\/(resourcegroups$|providers\/Microsoft\.(Authorization|Storage|Security|Network)\/)/i.test(r.path)),
  };
}

/** By id, then subscription: an assignment inherited from a management group is recorded once per subscription. */
const byId = <T extends { id: string; subscriptionId?: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id) || (a.subscriptionId ?? '').localeCompare(b.subscriptionId ?? ''));
const evidence = (inv: Inventory) => observe(inv, NOW).map((o) => `${o.type} ${o.subject.toLowerCase()} ${o.subscriptionId} ${fingerprint(o)} ${o.status} ${o.reason ?? ''}`).sort();

describe('sync through Azure Resource Graph', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  before(async () => { emu = await startEmulator({ scenario: SAMPLE }); });
  after(async () => { await emu?.stop(); });

  it('gives the same evidence, fingerprints and statuses as enumerating each subscription', async () => {
    let from = emu.requests.length;
    const enumerated = await read(emu, undefined);
    const viaSubs = traffic(emu, from);
    from = emu.requests.length;
    const graph = await read(emu, 0);
    const viaGraph = traffic(emu, from);
    assert.equal(viaSubs.graph.length, 0, 'below the threshold nothing goes to Resource Graph');
    assert.ok(viaSubs.perSubscription.length >= 3 * 7, 'the per-subscription path lists each subscription');
    assert.ok(viaGraph.graph.length >= 5, `Resource Graph answered ${viaGraph.graph.length} queries`);
    assert.deepEqual(viaGraph.perSubscription, [], 'above the threshold no subscription is enumerated');
    assert.ok(viaGraph.graph.every((r) => r.status === 200));

    const a = evidence(enumerated);
    const b = evidence(graph);
    assert.ok(a.length > 60 && a.some((x) => / fail /.test(x)) && a.some((x) => / unknown /.test(x)), `the sample gives varied evidence (${a.length} rows)`);
    assert.deepEqual(b, a);
    for (const table of ['subscriptions', 'resourceGroups', 'roleAssignments', 'storageAccounts', 'keyVaults', 'vaultKeys', 'vaultSecrets', 'publicIps', 'secureScores'] as const) {
      assert.deepEqual(byId(graph[table] as { id: string }[]), byId(enumerated[table] as { id: string }[]), `${table} are the same records`);
    }
    // Role definitions: the same for every role an assignment uses; the emulator's per-subscription list also names
    // custom roles at subscriptions outside their assignable scopes, which ARM (and the ARG path) leave out.
    const defs = new Map(graph.roleDefinitions.map((d) => [d.id.toLowerCase(), d]));
    for (const ra of enumerated.roleAssignments) assert.deepEqual(defs.get(ra.roleDefinitionId.toLowerCase()), enumerated.roleDefinitions.find((d) => d.id.toLowerCase() === ra.roleDefinitionId.toLowerCase()));
  });

  it('switches path at the threshold: more subscriptions than it, Resource Graph; as many, enumeration', async () => {
    let from = emu.requests.length;
    await read(emu, 3);
    assert.equal(traffic(emu, from).graph.length, 0, '3 subscriptions, threshold 3: enumerated');
    from = emu.requests.length;
    const inv = await read(emu, 2);
    assert.ok(traffic(emu, from).graph.length > 0, '3 subscriptions, threshold 2: Resource Graph');
    assert.equal(inv.subscriptions.length, 3);
  });

  it('reads a long explicit subscription list with one query, and names a subscription it may not read', async () => {
    const from = emu.requests.length;
    const inv = await read(emu, 0, { subscriptions: [PROD, DEV] });
    assert.deepEqual(inv.subscriptions.map((s) => s.subscriptionId).sort(), [PROD, DEV]);
    assert.equal(emu.requests.slice(from).filter((r) => /^\/subscriptions\/[^/]+$/i.test(r.path)).length, 0, 'no GET per subscription');
    await assert.rejects(read(emu, 0, { app: LIMITED, subscriptions: [PROD, DEV] }), (e: SyncError) => {
      assert.equal(e.code, 'forbidden');
      assert.match(e.message, new RegExp(`subscription ${DEV}`));
      return true;
    });
  });

  it('reads the threshold from rampart.sync.resourceGraphThreshold and rejects what is not a count', () => {
    const warnings: string[] = [];
    assert.equal(applySettings(DEFAULT_SETTINGS, { sync: { resourceGraphThreshold: 0 } }).resourceGraphThreshold, 0);
    assert.equal(applySettings(DEFAULT_SETTINGS, { sync: { resourceGraphThreshold: -1 } }, (m) => warnings.push(m)).resourceGraphThreshold, DEFAULT_SETTINGS.resourceGraphThreshold);
    assert.match(warnings[0], /resourceGraphThreshold: '-1' is not a whole number/);
  });
});

/**
 * The sample with an Owner assigned at a management group above PROD (in it) and DEV (in its child group); the
 * third subscription is outside both.
 */
const GROUP_OWNER = '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4';
function withGroupOwner(): Scenario {
  const scenario = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Scenario;
  scenario.managementGroups = [
    { id: 'contoso-root', subscriptions: [PROD], roleAssignments: [{ principalId: GROUP_OWNER, principalType: 'Group', role: 'Owner' }] },
    { id: 'contoso-apps', parent: 'contoso-root', subscriptions: [DEV] },
  ];
  scenario.rootRoleAssignments = [{ principalId: ELEVATED, principalType: 'User', role: 'User Access Administrator' }];
  return scenario;
}
/** A Global Administrator who elevated access: User Access Administrator at the tenant root, above every subscription. */
const ELEVATED = '4c3b2a19-0817-4f6e-9d5c-4b3a29180716';
const GROUP_SCOPE = '/providers/Microsoft.Management/managementGroups/contoso-root';

describe('role assignments inherited from a management group', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  before(async () => { emu = await startEmulator({ scenario: withGroupOwner() }); });
  after(async () => { await emu?.stop(); });

  it('gives the same records and evidence both ways, the Owner finding once per subscription below the group', async () => {
    const enumerated = await read(emu, undefined);
    const graph = await read(emu, 0);
    const inherited = byId(enumerated.roleAssignments.filter((a) => a.scope === GROUP_SCOPE));
    assert.deepEqual(inherited.map((a) => a.subscriptionId), [PROD, DEV].sort(), 'ARM lists it within each subscription below the group');
    assert.ok(inherited.every((a) => a.roleName === 'Owner' && a.id.startsWith(`${GROUP_SCOPE}/providers/Microsoft.Authorization/roleAssignments/`)));
    assert.deepEqual(byId(graph.roleAssignments), byId(enumerated.roleAssignments));
    const a = evidence(enumerated);
    assert.deepEqual(evidence(graph), a);
    const findings = a.filter((x) => x.includes(`Group ${GROUP_OWNER} holds Owner at ${GROUP_SCOPE}`));
    assert.equal(findings.length, 2, 'a failing finding in each subscription below the group');
    assert.ok(findings.every((x) => / fail /.test(x)));
  });

  it('gives an assignment at the tenant root (/) both ways, once per subscription, as a finding that says how to remove it', async () => {
    const enumerated = await read(emu, undefined);
    const graph = await read(emu, 0);
    const atRoot = byId(enumerated.roleAssignments.filter((a) => a.scope === '/'));
    assert.equal(atRoot.length, 3, 'ARM lists it within every subscription');
    assert.ok(atRoot.every((a) => a.roleName === 'User Access Administrator' && a.principalId === ELEVATED && /^\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/.test(a.id)), JSON.stringify(atRoot[0]));
    assert.deepEqual(byId(graph.roleAssignments.filter((a) => a.scope === '/')), atRoot, 'Resource Graph gives the same records');
    const findings = evidence(graph).filter((x) => x.includes(`User ${ELEVATED} holds User Access Administrator at the tenant root (/)`));
    assert.equal(findings.length, 3);
    assert.ok(findings.every((x) => / fail /.test(x) && x.includes(`az role assignment delete --assignee ${ELEVATED} --role "User Access Administrator" --scope /`)), findings[0]);
    assert.deepEqual(evidence(graph), evidence(enumerated));
  });

  it('Resource Graph answers the group\'s assignment only with authorizationScopeFilter AtScopeAboveAndBelow, once', async () => {
    const client = (await session(emu)).resourceGraph!();
    const signal = new AbortController().signal;
    const atGroup = (rows: Record<string, unknown>[]) => rows.map((r) => roleAssignmentRecord(r, { connectionId: 'c1', tenantId: emu.tenantId })).filter((x) => x.scope === GROUP_SCOPE);
    const byDefault = await queryAll(client, QUERIES.roleAssignments, [PROD, DEV], signal);
    assert.ok(byDefault.length > 0);
    assert.deepEqual(atGroup(byDefault), [], 'the default filter (AtScopeAndBelow) misses it: without the filter the sync would too');
    const above = await queryAll(client, QUERIES.roleAssignments, [PROD, DEV], signal, undefined, undefined, ABOVE_AND_BELOW);
    assert.equal(atGroup(above).length, 1, 'one row for the group, though two subscriptions inherit it');
    const atRoot = above.filter((r) => roleAssignmentRecord(r, { connectionId: 'c1', tenantId: emu.tenantId }).scope === '/');
    assert.equal(atRoot.length, 1, 'one row for the tenant root');
    assert.equal(above.length, byDefault.length + 2);
  });
});

/** One subscription with `n` role assignments and `groups` resource groups: enough rows for several ARG pages. */
function big(n: number, groups: number): Scenario {
  const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    tenant: { id: '72f988bf-0000-4000-8000-00000000a7a7' },
    apps: [{ clientId: READER.clientId, secret: READER.secret }],
    subscriptions: [{
      id: 'aaaaaaaa-0000-4000-8000-00000000a7a7', displayName: 'Big',
      resourceGroups: Array.from({ length: groups }, (_, i) => ({ name: `rg-${i}`, location: 'eastus' })),
      roleAssignments: Array.from({ length: n }, (_, i) => ({ name: guid(i), principalId: guid(100_000 + i), role: 'Reader', scope: `resourceGroups/rg-${i % groups}` })),
    }],
  };
}

describe('Resource Graph paging and throttling', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle | undefined;
  afterEach(async () => { await emu?.stop(); emu = undefined; });

  it('follows $skipToken across several pages and loses no row', async () => {
    const n = PAGE_SIZE * 2 + 345;
    emu = await startEmulator({ scenario: big(n, 20) });
    const from = emu.requests.length;
    const inv = await read(emu, 0);
    assert.equal(inv.roleAssignments.length, n);
    assert.equal(new Set(inv.roleAssignments.map((a) => a.id)).size, n, 'no row twice');
    assert.ok(inv.roleAssignments.every((a) => a.roleName === 'Reader'));
    // Five queries, the role assignments' one in three pages.
    assert.equal(traffic(emu, from).graph.length, 5 + 2);
  });

  it('reads the pages after the first side by side, each with the first page\'s $skipToken and its own $skip', async () => {
    const n = PAGE_SIZE * 3 + 7;
    emu = await startEmulator({ scenario: big(n, 4) });
    const client = (await session(emu)).resourceGraph!();
    let active = 0, most = 0, requests = 0;
    const run = async <R>(task: () => Promise<R>): Promise<R> => {
      requests++;
      most = Math.max(most, ++active);
      try { return await task(); } finally { active--; }
    };
    const rows = await queryAll(client, "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, name", [], new AbortController().signal, run);
    assert.equal(rows.length, n);
    assert.equal(new Set(rows.map((r) => r.id)).size, n, 'no row twice');
    assert.equal(requests, 4, 'one request a page, as following the chain');
    assert.equal(most, 3, 'the three pages after the first at once');
  });

  it('emulator: $skip with a $skipToken reads that page of the first page\'s snapshot; a bad $skip is 400', async () => {
    const n = PAGE_SIZE + 50;
    emu = await startEmulator({ scenario: big(n, 2) });
    const client = (await session(emu)).resourceGraph!();
    const query = "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id";
    const ids = (data: unknown) => Object.values(data as Record<string, { id: string }>).map((r) => r.id);
    const all = await client.resources({ query, options: { resultFormat: 'objectArray', top: 1000 } });
    const first = await client.resources({ query, options: { resultFormat: 'objectArray', top: 10 } });
    assert.ok(first.skipToken);
    const later = await client.resources({ query, options: { resultFormat: 'objectArray', top: 10, skipToken: first.skipToken, skip: 500 } });
    assert.deepEqual(ids(later.data), ids(all.data).slice(500, 510));
    const last = await client.resources({ query, options: { resultFormat: 'objectArray', top: 1000, skipToken: first.skipToken, skip: n - 5 } });
    assert.deepEqual([last.count, last.skipToken], [5, undefined]);
    await assert.rejects(client.resources({ query, options: { resultFormat: 'objectArray', skipToken: first.skipToken, skip: -1 } }),
      (e: { statusCode?: number; message: string }) => e.statusCode === 400 && /InvalidSkip/.test(e.message));
  });

  it('waits out the quota when Resource Graph answers 429 with x-ms-user-quota-resets-after', async () => {
    const scenario = big(PAGE_SIZE + 10, 5);
    scenario.resourceGraphQuota = { queries: 3, windowSeconds: 1 };
    emu = await startEmulator({ scenario });
    const from = emu.requests.length;
    const s = await session(emu);
    const inv = await collect({
      session: s, connectionId: 'c1', tenantId: emu.tenantId, subscriptions: [], concurrency: 8, resourceGraphThreshold: 0,
      abortSignal: new AbortController().signal, errors: { connectionName: 'test', clientId: READER.clientId, tenantId: emu.tenantId }, progress: () => undefined,
    });
    assert.equal(inv.roleAssignments.length, PAGE_SIZE + 10);
    const graph = traffic(emu, from).graph;
    assert.ok(graph.some((r) => r.status === 429), 'the quota was hit');
    assert.equal(graph.filter((r) => r.status === 200).length, 5 + 1, 'every query and page answered in the end');
    assert.ok(s.throttle!.stats.retried429 > 0);
  });

  it('retries a 429 without quota headers, and reports one that persists as throttled', async () => {
    emu = await startEmulator({ scenario: big(10, 2) });
    emu.addFault({ route: 'ResourceGraph', status: 429, times: 2 });
    const inv = await read(emu, 0);
    assert.equal(inv.roleAssignments.length, 10);
    emu.clearFaults();
    emu.addFault({ route: 'ResourceGraph', status: 429 });
    await assert.rejects(read(emu, 0), (e: SyncError) => e.code === 'throttled' && /Resource Graph/.test(e.message));
  });

  it('stops the other pages when one fails: those in flight are aborted, those queued are never sent', async () => {
    // A fake client: the first page announces four; the page at $skip PAGE_SIZE fails, the others answer slowly.
    const sent: (number | undefined)[] = [];
    const aborted: number[] = [];
    const boom = new Error('page failed');
    const client = {
      resources: (req: { options: { skip?: number } }, opts: { abortSignal: AbortSignal }) => {
        const skip = req.options.skip;
        sent.push(skip);
        if (skip === undefined) return Promise.resolve({ data: [{ id: '0' }], skipToken: 't', totalRecords: 1 + PAGE_SIZE * 3, resultTruncated: 'false' });
        if (skip === 1) return new Promise((_, reject) => setTimeout(() => reject(boom), 10));
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve({ data: [], totalRecords: 0 }), 300);
          opts.abortSignal.addEventListener('abort', () => { aborted.push(skip!); clearTimeout(timer); reject(new Error('aborted')); });
        });
      },
    } as never;
    const query = 'resources | project id';
    // Side by side: the failure aborts the two pages in flight, and is what queryAll reports.
    await assert.rejects(queryAll(client, query, [], new AbortController().signal), (e) => e === boom);
    assert.deepEqual(aborted.sort(), [1 + PAGE_SIZE, 1 + PAGE_SIZE * 2]);
    // One at a time: the pages queued behind the failed one are not sent.
    sent.length = 0;
    let chain: Promise<unknown> = Promise.resolve();
    const serial = <R>(task: () => Promise<R>): Promise<R> => {
      const r = chain.then(task);
      chain = r.catch(() => undefined);
      return r;
    };
    await assert.rejects(queryAll(client, query, [], new AbortController().signal, serial), (e) => e === boom);
    await chain;
    assert.deepEqual(sent, [undefined, 1]);
  });

  it('answers what the emulator cannot run as 400 InvalidQuery, and a query that projects away id as truncated', async () => {
    const n = PAGE_SIZE + 100;
    emu = await startEmulator({ scenario: big(n, 2) });
    const client = (await session(emu)).resourceGraph!();
    const signal = new AbortController().signal;
    await assert.rejects(client.resources({ query: 'resources | summarize count() by type' }), (e: { statusCode?: number; message: string }) =>
      e.statusCode === 400 && /InvalidQuery/.test(e.message));
    const rows = await queryAll(client, "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, name", [], signal);
    assert.equal(rows.length, n);
    const page = await client.resources({ query: "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project name", options: { top: 10, resultFormat: 'objectArray' } });
    assert.deepEqual([page.resultTruncated, page.skipToken, page.count, page.totalRecords], ['true', undefined, 10, n]);
    await assert.rejects(queryAll(client, "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project name", [], signal), ResourceGraphError);
  });
});

describe('emulator KQL subset', () => {
  const rows = [
    { id: '/a', type: 'microsoft.storage/storageaccounts', name: 'b', properties: { state: 'Enabled' } },
    { id: '/b', type: 'Microsoft.KeyVault/vaults', name: 'a', properties: { state: 'Disabled' } },
    { id: '/c', type: 'microsoft.network/publicipaddresses', name: 'c', properties: { state: 'Enabled' } },
  ];

  it('filters with =~ and in~ (case-insensitive), and, dotted columns, projects and orders', () => {
    const q = parseKql("Resources | where type in~ ('MICROSOFT.STORAGE/storageAccounts', 'microsoft.keyvault/vaults') and properties.state =~ 'enabled' | project id, name");
    assert.deepEqual(runKql(q, rows), [{ id: '/a', name: 'b' }]);
    assert.deepEqual(runKql(parseKql("resources | where type !~ 'x' | order by name asc | project name"), rows).map((r) => r.name), ['a', 'b', 'c']);
    assert.deepEqual(runKql(parseKql("resources | where name == 'A'"), rows), [], '== is case-sensitive');
    assert.deepEqual(runKql(parseKql("resources | where name =~ 'A' | project id, st = properties.state, properties.missing"), rows), [{ id: '/b', st: 'Disabled', missing: null }]);
  });

  it('refuses what it does not know, naming it', () => {
    assert.throws(() => parseKql('resources | summarize count()'), (e: KqlError) => /Unsupported operator 'summarize'/.test(e.message));
    assert.throws(() => parseKql("nosuchtable | where type =~ 'x'"), /Table 'nosuchtable'/);
    assert.throws(() => parseKql("resources | where type =~ 'x"), /Unterminated string/);
    assert.throws(() => parseKql('resources | where type =~ x'), /Expected a string literal/);
  });
});
