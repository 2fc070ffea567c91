/**
 * A connection above its subscription threshold reads through Azure Resource Graph: one query per kind of record
 * over batches of subscriptions, following $skipToken, instead of seven lists per subscription. What ARG does not
 * hold stays on per-resource calls: Key Vault keys and secrets (management plane) are listed per vault.
 * The records are the same as the per-subscription path's (resource-graph-map.ts); the queries are below, in the
 * KQL subset the emulator parses (test/emulator/kql.ts).
 * Role assignments made at a management group (or the root) apply to the subscriptions below it, and ARM lists them
 * with each one's; ARG returns authorization resources at and below the query's scopes unless asked
 * (authorizationScopeFilter AtScopeAboveAndBelow), and then once per group: the subscriptions' management group
 * chains say which of them inherit it.
 */
import type { AuthorizationScopeFilter, ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { Inventory, KeyVaultRecord, SubscriptionRecord } from '../store/schema';
import { readVaultContents } from './collect-posture';
import type { Pool } from './pool';
import {
  type Row, inheritedAssignmentRecords, keyVaultRecord, publicIpRecord, resourceGroupRecord, roleAssignmentRecord, roleDefinitionRecords, secureScoreRecordsOf,
  storageAccountRecord, subscriptionRecord,
} from './resource-graph-map';
import { append } from '../util/arrays';

/** Rows per page: ARG's maximum. */
export const PAGE_SIZE = 1000;
/**
 * Subscriptions per query (ARG advises under 300). A batch's pages after the first are read side by side (queryAll),
 * so a larger batch costs no chain of pages; it saves requests against ARG's per-user quota (15 queries per 5 s by
 * default; every page counts): per kind of record, a partly filled last page and a first page per batch. Measured at
 * 200 subscriptions (bench-scale.ts, 24 November 2026): 200 a batch, 53 requests, reads 1.36 s, 18.9 s under the
 * quota; 100, 56 requests, 1.66 s and 18.9 s; 50, 64 requests, 1.51 s and 24.5 s.
 */
export const BATCH_SIZE = 200;

const STORAGE = 'microsoft.storage/storageaccounts';
const VAULT = 'microsoft.keyvault/vaults';
const PUBLIC_IP = 'microsoft.network/publicipaddresses';

export const QUERIES = {
  subscriptions: "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id, name, subscriptionId, properties",
  resourceGroups: "resourcecontainers | where type =~ 'microsoft.resources/subscriptions/resourcegroups' | project id, name, subscriptionId, location, tags",
  // The largest result (every assignment of the tenant): only the fields recorded, a third fewer bytes than `properties`.
  roleAssignments: "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, subscriptionId, " +
    'principalId = properties.principalId, principalType = properties.principalType, roleDefinitionId = properties.roleDefinitionId, ' +
    'scope = properties.scope, description = properties.description',
  roleDefinitions: "authorizationresources | where type =~ 'microsoft.authorization/roledefinitions' | project id, name, properties",
  resources: `resources | where type in~ ('${STORAGE}', '${VAULT}', '${PUBLIC_IP}') | project id, name, type, subscriptionId, location, sku, properties`,
  secureScores: "securityresources | where type in~ ('microsoft.security/securescores', 'microsoft.security/securescores/securescorecontrols') | project id, name, type, subscriptionId, properties",
} as const;

/** The management groups above each subscription (nearest first), read only when some assignment is made at one. */
export const GROUP_CHAINS_QUERY = "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id, subscriptionId, chain = properties.managementGroupAncestorsChain";

/** authorizationresources queries: the assignments (and custom roles) of the management groups above too. */
export const ABOVE_AND_BELOW: AuthorizationScopeFilter = 'AtScopeAboveAndBelow';

export class ResourceGraphError extends Error {}

/**
 * Every row of `query` over these subscriptions (none: every one the principal can read), each page passed through
 * `map` as it arrives (so that work overlaps the other requests' waits). Per batch: the first page, which gives
 * totalRecords and a $skipToken; then every further page at once, each with that $skipToken and its own $skip (ARG:
 * "$skip overrides the next page offset when $skipToken is present"), instead of a chain of one page after another.
 * The same requests as following the chain (every page counts against ARG's quota either way), fewer round trips in
 * a row. Each request goes through `run`, so no batch holds a slot while it waits on another.
 */
export async function queryAll<T = Row>(
  client: ResourceGraphClient, query: string, subscriptions: string[], abortSignal: AbortSignal,
  run: <R>(task: () => Promise<R>) => Promise<R> = (t) => t(), map: (row: Row) => T = (row) => row as T,
  authorizationScopeFilter?: AuthorizationScopeFilter,
): Promise<T[]> {
  const batches: (string[] | undefined)[] = subscriptions.length ? [] : [undefined];
  for (let i = 0; i < subscriptions.length; i += BATCH_SIZE) batches.push(subscriptions.slice(i, i + BATCH_SIZE));
  // One failed page stops its siblings, those sent and those still queued in `run`: the result is lost anyway, and
  // each page spends ARG quota. Every page then rejects with that first failure (not with its own abort).
  const siblings = new AbortController();
  const stop = () => siblings.abort(abortSignal.reason);
  if (abortSignal.aborted) stop(); else abortSignal.addEventListener('abort', stop, { once: true });
  const signal = siblings.signal;
  let failure: { error: unknown } | undefined;
  const fail = (e: unknown): never => {
    if (failure) throw failure.error;
    if (!abortSignal.aborted) {
      failure = { error: e };
      siblings.abort(e);
    }
    throw e;
  };
  const page = async (batch: string[] | undefined, skipToken?: string, skip?: number) => {
    try {
      const r = await run(() => {
        signal.throwIfAborted();
        return client.resources({ query, subscriptions: batch, options: { resultFormat: 'objectArray', top: PAGE_SIZE, skipToken, skip, authorizationScopeFilter } }, { abortSignal: signal }).catch(fail);
      });
      const data = rowsOf(r.data);
      if (!data) throw new ResourceGraphError('Azure Resource Graph answered without a row array (resultFormat objectArray).');
      if (r.resultTruncated === 'true' && !r.skipToken) {
        throw new ResourceGraphError(`Azure Resource Graph truncated the result of '${query.split('|')[0].trim()}' at ${data.length + (skip ?? 0)} of ${r.totalRecords} rows.`);
      }
      const rows = new Array<T>(data.length);
      for (let i = 0; i < data.length; i++) rows[i] = map(data[i]);
      return { rows, skipToken: r.skipToken || undefined, total: r.totalRecords };
    } catch (e) {
      return fail(e);
    }
  };
  const perBatch = await Promise.all(batches.map(async (batch) => {
    const first = await page(batch);
    if (!first.skipToken) return [first.rows];
    const token = first.skipToken;
    const offsets: number[] = [];
    for (let skip = first.rows.length; skip < first.total; skip += PAGE_SIZE) offsets.push(skip);
    const rest = offsets.length ? await Promise.all(offsets.map((skip) => page(batch, token, skip))) : [];
    const out = [first.rows, ...rest.map((p) => p.rows)];
    // A result that outgrew the first page's totalRecords: the chain from the last page on.
    for (let next = rest.length ? rest[rest.length - 1].skipToken : token; next;) {
      const p = await page(batch, next);
      out.push(p.rows);
      next = p.skipToken;
    }
    return out;
  })).finally(() => abortSignal.removeEventListener('abort', stop));
  return perBatch.flat(2);
}

/**
 * The rows of an objectArray answer. The SDK (5.0.0-beta.4) types `data` as a dictionary and deserializes the array
 * into an object keyed "0", "1", ... (integer keys keep their order); a table-format answer has other keys.
 */
function rowsOf(data: unknown): Row[] | undefined {
  if (Array.isArray(data)) return data as Row[];
  if (data && typeof data === 'object' && Object.keys(data).every((k) => /^\d+$/.test(k))) return Object.values(data) as Row[];
  return undefined;
}

type Owned = { connectionId: string; tenantId: string };
type SubStep = <T>(what: string, subscriptionId: string | undefined, fn: () => Promise<T>) => Promise<T>;

export interface GraphReadContext {
  client: ResourceGraphClient;
  session: Parameters<typeof readVaultContents>[0];
  owned: Owned;
  step: SubStep;
  pool: Pool;
  abortSignal: AbortSignal;
  progress(message: string, done: number, total: number): void;
}

/**
 * The subscriptions `ids`, from resourcecontainers. ARG leaves out a subscription the principal cannot read where ARM
 * answers 403: one missing fails the sync the same way, naming it.
 */
export async function graphSubscriptions(g: GraphReadContext, ids: string[]): Promise<SubscriptionRecord[]> {
  const rows = await g.step('subscriptions (Resource Graph)', undefined, () => queryAll(g.client, QUERIES.subscriptions, ids, g.abortSignal, (t) => g.pool.run(t)));
  const found = rows.map((r) => subscriptionRecord(r, g.owned));
  const seen = new Set(found.map((s) => s.subscriptionId.toLowerCase()));
  const missing = ids.find((id) => !seen.has(id.toLowerCase()));
  if (missing) {
    const denied = Object.assign(new Error(`AuthorizationFailed: Resource Graph returned no subscription ${missing}.`), { statusCode: 403 });
    await g.step('the subscription (Resource Graph)', missing, () => Promise.reject(denied));
  }
  return found;
}

/**
 * Everything but the subscriptions, into `inv`, for these (active) subscriptions. The five queries run side by side;
 * the vaults' contents follow the resources query alone, not the slowest query.
 */
export async function readThroughResourceGraph(g: GraphReadContext, inv: Inventory, subs: SubscriptionRecord[]): Promise<void> {
  const ids = subs.map((s) => s.subscriptionId);
  const { owned } = g;
  const total = Object.keys(QUERIES).length;
  let done = 0;
  const tick = (what: string) => g.progress(`Resource Graph: ${what}`, ++done, total);
  const read = <T>(what: string, q: string, map: (row: Row) => T, filter?: AuthorizationScopeFilter) =>
    g.step(`${what} (Resource Graph)`, undefined, () => queryAll(g.client, q, ids, g.abortSignal, (t) => g.pool.run(t), map, filter));
  const query = async <T>(what: string, q: string, map: (row: Row) => T, filter?: AuthorizationScopeFilter) => {
    const rows = await read(what, q, map, filter);
    tick(what);
    return rows;
  };
  const assignmentsWithInherited = async () => {
    const rows = await read('role assignments', QUERIES.roleAssignments, (r) => roleAssignmentRecord(r, owned), ABOVE_AND_BELOW);
    // A management group's assignment has no subscription (and comes once per batch of subscriptions below it).
    const inSubs = rows.filter((a) => a.subscriptionId);
    const atGroups = rows.filter((a) => !a.subscriptionId);
    if (atGroups.length) {
      const chains = await read('management groups of the subscriptions', GROUP_CHAINS_QUERY, (r) => r);
      append(inSubs, inheritedAssignmentRecords(atGroups, chains, ids));
    }
    tick('role assignments');
    return inSubs;
  };
  const typeOf = (r: Row) => String(r.type ?? '').toLowerCase();
  const [groups, assignments, definitions, scores] = await Promise.all([
    query('resource groups', QUERIES.resourceGroups, (r) => resourceGroupRecord(r, owned)),
    assignmentsWithInherited(),
    query('role definitions', QUERIES.roleDefinitions, (r) => r, ABOVE_AND_BELOW),
    query('secure scores', QUERIES.secureScores, (r) => r),
    (async () => {
      const resources = await query('resources', QUERIES.resources, (r) => r);
      append(inv.storageAccounts, resources.filter((r) => typeOf(r) === STORAGE).map((r) => storageAccountRecord(r, owned)));
      append(inv.publicIps, resources.filter((r) => typeOf(r) === PUBLIC_IP).map((r) => publicIpRecord(r, owned)));
      const vaults = resources.filter((r) => typeOf(r) === VAULT).map((r) => keyVaultRecord(r, owned));
      append(inv.keyVaults, vaults);
      await readVaultsContents(g, inv, vaults);
      tick('key vault contents');
    })(),
  ]);
  append(inv.resourceGroups, groups);
  append(inv.roleAssignments, assignments);
  append(inv.roleDefinitions, roleDefinitionRecords(definitions, ids, assignments, owned));
  append(inv.secureScores, secureScoreRecordsOf(scores, owned));
}

/** Keys and secrets are not in Resource Graph: listed per vault, as on the per-subscription path. */
async function readVaultsContents(g: GraphReadContext, inv: Inventory, vaults: KeyVaultRecord[]): Promise<void> {
  const bySub = new Map<string, KeyVaultRecord[]>();
  for (const v of vaults) {
    const list = bySub.get(v.subscriptionId);
    if (list) list.push(v); else bySub.set(v.subscriptionId, [v]);
  }
  await Promise.all([...bySub].map(async ([s, list]) => {
    const r = await readVaultContents(g.session, s, list, g.owned, (what, fn) => g.step(what, s, fn), g.abortSignal, (t) => g.pool.run(t));
    append(inv.vaultKeys, r.keys);
    append(inv.vaultSecrets, r.secrets);
  }));
}
