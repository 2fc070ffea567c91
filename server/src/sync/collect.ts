/**
 * Reads one connection's posture through the real SDK clients into inventory records. Nothing here writes the
 * store: the caller commits the whole result at once.
 */
import { setMaxListeners } from 'node:events';
import type { AzureSession } from '../azure/clients';
import { SyncError, toSyncError, type ErrorContext } from '../azure/errors';
import { type Inventory, type RoleDefinitionRecord, type SubscriptionRecord, emptyInventory } from '../store/schema';
import { type DeniedSource, all, mapAll, readKeyVaults, readPublicIps, readSecureScores, readStorageAccounts, readUnlessDenied } from './collect-posture';
import { Pool } from './pool';
import { type GraphReadContext, graphSubscriptions, readThroughResourceGraph } from './resource-graph';

export interface CollectContext {
  session: AzureSession;
  connectionId: string;
  tenantId: string;
  /** Subscription ids to read; empty for every subscription the principal can see. */
  subscriptions: string[];
  /** A management group: its subscriptions, at every level below it, are listed now (subscriptions is then empty). */
  managementGroup?: string;
  errors: ErrorContext;
  abortSignal: AbortSignal;
  concurrency: number;
  /** Above this many subscriptions, read through Azure Resource Graph (resource-graph.ts); undefined: never. */
  resourceGraphThreshold?: number;
  /** Filled with the posture sources Azure refused (403); the sync goes on without them. */
  denied?: DeniedSource[];
  progress(message: string, done: number, total: number): void;
}

export async function collect(ctx: CollectContext): Promise<Inventory> {
  const inv: Inventory = emptyInventory();
  const owned = { connectionId: ctx.connectionId, tenantId: ctx.tenantId };
  const { abortSignal } = ctx;
  // Every request in flight listens on the one signal: more than Node's default of 10 is expected, not a leak.
  setMaxListeners(Math.max(100, ctx.concurrency * 4), abortSignal);
  const step = async <T>(what: string, subscriptionId: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (abortSignal.aborted) throw new SyncError('cancelled', 'The sync was cancelled.');
      throw toSyncError(e, { ...ctx.errors, subscriptionId, step: what });
    }
  };

  ctx.progress('signing in', 0, 1);
  await step('a token', undefined, async () => {
    try {
      // ARM clients ask with enableCae, which identity caches apart: warm that cache, or the first call signs in again.
      return await ctx.session.credential.getToken(ctx.session.cloud.armScope, { abortSignal, enableCae: true });
    } catch (e) {
      if (!/endpoints_resolution_error/.test(String((e as Error)?.message))) throw e;
      throw await ctx.session.explainSignInFailure(ctx.tenantId);
    }
  });

  ctx.progress('listing subscriptions', 0, 1);
  const pool = new Pool(ctx.concurrency);
  // The Resource Graph client is built only when a sync goes over the threshold.
  const graphFactory = ctx.session.resourceGraph?.bind(ctx.session);
  let graphContext: GraphReadContext | undefined;
  const graph = (): GraphReadContext => graphContext ??= { client: graphFactory!(), session: ctx.session, owned, step, pool, abortSignal, progress: ctx.progress };
  const overThreshold = (n: number) => graphFactory !== undefined && ctx.resourceGraphThreshold !== undefined && n > ctx.resourceGraphThreshold;
  type SdkSubscription = { id?: string; subscriptionId?: string; displayName?: string; state?: string };
  const records = (list: SdkSubscription[]): SubscriptionRecord[] => list.filter((s) => s.subscriptionId).map((s) => ({
    ...owned, id: s.id ?? `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId!, name: s.displayName ?? s.subscriptionId!, state: s.state ?? 'Unknown',
  }));
  const subs = await step('subscriptions', undefined, async () => {
    const client = ctx.session.subscriptions();
    const ids = ctx.managementGroup ? await managementGroupSubscriptions(ctx.session, ctx.managementGroup, abortSignal) : ctx.subscriptions;
    if (ids.length === 0 && !ctx.managementGroup) return records(await all(client.subscriptions.list({ abortSignal })));
    // A long explicit list: one query rather than a get per subscription.
    if (overThreshold(ids.length)) return (await graphSubscriptions(graph(), ids)).filter((s) => s.subscriptionId);
    return records(await Promise.all(ids.map((id) => client.subscriptions.get(id, { abortSignal }))));
  });
  inv.subscriptions.push(...subs);

  const active = inv.subscriptions.filter((s) => s.state !== 'Disabled' && s.state !== 'Deleted');
  if (overThreshold(active.length)) {
    await readThroughResourceGraph(graph(), inv, active);
    resolveRoleNames(inv);
    return inv;
  }
  const total = active.length * 7;
  let done = 0;
  const tick = (what: string) => { done++; ctx.progress(what, done, total); };
  const tasks: Promise<void>[] = [];
  for (const sub of active) {
    const s = sub.subscriptionId;
    tasks.push(pool.run(async () => {
      const groups = await step('resource groups', s, () => all(ctx.session.resources(s).resourceGroups.list({ abortSignal })));
      for (const g of groups) {
        inv.resourceGroups.push({ ...owned, id: g.id ?? '', subscriptionId: s, name: g.name ?? '', location: g.location, tags: g.tags ?? {} });
      }
      tick(`${sub.name}: resource groups`);
    }));
    tasks.push(pool.run(async () => {
      const defs = await step('role definitions', s, () => all(ctx.session.authorization(s).roleDefinitions.list(`/subscriptions/${s}`, { abortSignal })));
      for (const d of defs) inv.roleDefinitions.push(toDefinition(d, s, owned));
      tick(`${sub.name}: role definitions`);
    }));
    tasks.push(pool.run(async () => {
      // Mapped as each page arrives: the SDK's objects then die young instead of being held for the whole list.
      const assignments = await step('role assignments', s, () => mapAll(ctx.session.authorization(s).roleAssignments.listForSubscription({ abortSignal }), (a) => ({
        ...owned, id: a.id ?? '', subscriptionId: s, principalId: a.principalId ?? '', principalType: a.principalType ?? 'Unknown',
        roleDefinitionId: a.roleDefinitionId ?? '', roleName: '', scope: a.scope ?? `/subscriptions/${s}`, description: a.description ?? undefined,
      })));
      for (const a of assignments) inv.roleAssignments.push(a);
      tick(`${sub.name}: role assignments`);
    }));
    tasks.push(...postureTasks(ctx, inv, pool, sub, owned, step, tick));
  }
  const settled = await Promise.allSettled(tasks);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof SyncError)
    ?? settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;

  resolveRoleNames(inv);
  return inv;
}

/**
 * Role names come from the definitions read at each subscription; the assignment only carries the definition id.
 * Of the ~900 built-in definitions per subscription only those some assignment uses are kept, with every custom one.
 */
function resolveRoleNames(inv: Inventory): void {
  const byGuid = new Map<string, string>();
  for (const d of inv.roleDefinitions) byGuid.set(d.name.toLowerCase(), d.roleName);
  const used = new Set<string>();
  for (const a of inv.roleAssignments) {
    const guid = a.roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
    a.roleName = byGuid.get(guid) ?? `unknown role ${guid}`;
    used.add(a.roleDefinitionId.toLowerCase());
  }
  inv.roleDefinitions = inv.roleDefinitions.filter((d) => d.roleType !== 'BuiltInRole' || used.has(d.id.toLowerCase()));
}

type Owned = { connectionId: string; tenantId: string };
type StepFn = <T>(what: string, subscriptionId: string | undefined, fn: () => Promise<T>) => Promise<T>;

/** Secure score, storage, Key Vault and public IPs of one subscription: four pooled tasks (vault contents fan out). */
function postureTasks(
  ctx: CollectContext, inv: Inventory, pool: Pool, sub: { subscriptionId: string; name: string }, owned: Owned, step: StepFn, tick: (what: string) => void,
): Promise<void>[] {
  const s = sub.subscriptionId;
  const { session, abortSignal } = ctx;
  const subStep = <T>(what: string, fn: () => Promise<T>) => step(what, s, fn);
  // Vault contents run outside the pool slot of the vault list, or a pool of 1 would wait on itself.
  const fanOut = <T>(task: () => Promise<T>) => pool.run(task);
  const denied = ctx.denied ?? [];
  // A source Azure refuses (403) is listed in ctx.denied and counted done: the sync goes on without it.
  const source = async (name: Parameters<typeof readUnlessDenied>[0], what: string, read: () => Promise<void>) => {
    await readUnlessDenied(name, s, ctx.errors.connectionName, denied, read);
    tick(`${sub.name}: ${what}`);
  };
  return [
    pool.run(() => source('secure-score', 'secure score', async () => {
      inv.secureScores.push(...await readSecureScores(session, s, owned, subStep, abortSignal));
    })),
    pool.run(() => source('storage', 'storage accounts', async () => {
      inv.storageAccounts.push(...await readStorageAccounts(session, s, owned, subStep, abortSignal));
    })),
    source('key-vault', 'key vaults', async () => {
      const r = await readKeyVaults(session, s, owned, subStep, abortSignal, fanOut);
      inv.keyVaults.push(...r.vaults);
      inv.vaultKeys.push(...r.keys);
      inv.vaultSecrets.push(...r.secrets);
    }),
    pool.run(() => source('public-ip', 'public IP addresses', async () => {
      inv.publicIps.push(...await readPublicIps(session, s, owned, subStep, abortSignal));
    })),
  ];
}
interface SdkRoleDefinition {
  id?: string; name?: string; roleName?: string; roleType?: string; assignableScopes?: string[];
  permissions?: { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] }[];
}

export function toDefinition(d: SdkRoleDefinition, subscriptionId: string, owned: Owned): RoleDefinitionRecord {
  const perms = d.permissions ?? [];
  const flat = (k: 'actions' | 'notActions' | 'dataActions' | 'notDataActions') => perms.flatMap((p) => p[k] ?? []);
  return {
    ...owned, id: d.id ?? '', subscriptionId, name: d.name ?? '', roleName: d.roleName ?? d.name ?? '', roleType: d.roleType ?? 'Unknown',
    actions: flat('actions'), notActions: flat('notActions'), dataActions: flat('dataActions'), notDataActions: flat('notDataActions'),
    assignableScopes: d.assignableScopes ?? [],
  };
}

/** The subscription ids under a management group, at every level (ARM's descendants list). */
export async function managementGroupSubscriptions(session: AzureSession, groupId: string, abortSignal?: AbortSignal): Promise<string[]> {
  if (!session.managementGroups) throw new Error('This Azure session cannot read management groups.');
  const out = new Set<string>();
  for await (const d of session.managementGroups().managementGroups.listDescendants(groupId, { abortSignal })) {
    if (!/\/subscriptions$/i.test(d.type ?? '')) continue;
    const id = d.name ?? d.id?.split('/').pop();
    if (id) out.add(id.toLowerCase());
  }
  return [...out].sort();
}
