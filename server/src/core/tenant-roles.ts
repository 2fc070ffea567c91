/**
 * The synced tenants' role definitions as the lint's RP030 (role-drift) reads them: one per tenant and GUID (a
 * custom role is listed once per subscription it is assignable in), with the number of distinct principals it is
 * assigned to. Built from the store's inventory of live connections.
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
