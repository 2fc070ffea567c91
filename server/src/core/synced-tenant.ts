/**
 * What the lint learns from the synced tenants, built from the store's inventory of live connections: their role
 * definitions as RP030 (role-drift) reads them, one per tenant and GUID (a custom role is listed once per
 * subscription it is assignable in) with the number of distinct principals it is assigned to; and their
 * subscriptions, which the RP006 quick fix offers as narrower assignable scopes.
 */
import type { TenantRole } from '../lint';
import type { StoreData } from '../store/schema';
import { findConnection } from './connections';

const guidOf = (id: string) => id.split('/').pop()?.toLowerCase() ?? '';

/** The role definitions of every live connection, or of one (id or name; an unknown one throws). */
export function tenantRoles(data: StoreData, connection?: string): TenantRole[] {
  let live = data.connections.filter((c) => !c.deletedAt);
  if (connection) {
    const c = findConnection(data, connection);
    if (!c || c.deletedAt) throw new Error(`No connection named '${connection}': see \`rampart status\`.`);
    live = [c];
  }
  const names = new Map(live.map((c) => [c.id, c.name]));
  const principals = new Map<string, Set<string>>();
  for (const a of data.inventory.roleAssignments) {
    if (!names.has(a.connectionId)) continue;
    const key = `${a.tenantId}/${guidOf(a.roleDefinitionId)}`;
    const set = principals.get(key) ?? new Set<string>();
    set.add(a.principalId);
    principals.set(key, set);
  }
  const out = new Map<string, TenantRole>();
  for (const d of data.inventory.roleDefinitions) {
    const source = names.get(d.connectionId);
    const guid = guidOf(d.name || d.id);
    const key = `${d.tenantId}/${guid}`;
    if (!source || !guid || out.has(key)) continue;
    out.set(key, {
      guid, roleName: d.roleName, source,
      actions: d.actions, notActions: d.notActions, dataActions: d.dataActions, notDataActions: d.notDataActions,
      principals: principals.get(key)?.size ?? 0,
    });
  }
  return [...out.values()];
}

export interface SyncedSubscription { subscriptionId: string; name: string }

/** The subscriptions the live connections synced, once each, by name. */
export function syncedSubscriptions(data: StoreData | undefined): SyncedSubscription[] {
  if (!data) return [];
  const live = new Set(data.connections.filter((c) => !c.deletedAt).map((c) => c.id));
  const out = new Map<string, SyncedSubscription>();
  for (const s of data.inventory.subscriptions) {
    const id = s.subscriptionId.toLowerCase();
    if (live.has(s.connectionId) && !out.has(id)) out.set(id, { subscriptionId: s.subscriptionId, name: s.name });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name) || a.subscriptionId.localeCompare(b.subscriptionId));
}

/**
 * The daemon's copy, computed once per store change rather than per keystroke; `refresh` says whether it changed, so
 * open documents are linted again only when a sync brought other roles.
 */
export class TenantRoleCache {
  private roles?: TenantRole[];
  private key = '[]';

  constructor(private readonly data: () => StoreData | undefined) {}

  current(): readonly TenantRole[] {
    if (!this.roles) this.refresh();
    return this.roles ?? [];
  }

  /** Recomputes from the store; true when the roles differ from the last computation. */
  refresh(): boolean {
    const data = this.data();
    this.roles = data ? tenantRoles(data) : [];
    const key = JSON.stringify(this.roles);
    const changed = key !== this.key;
    this.key = key;
    return changed;
  }
}
