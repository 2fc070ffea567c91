/**
 * Roles of a store: admins and viewers, by OS user name. Only admins add, resume, delete, revoke or re-credential
 * connections, approve assessments and change roles; everyone else (a viewer, or a user in neither list) reads and
 * exports. The daemon and the CLI both go through RampartService, which calls `requireAdmin` before any such change:
 * hiding commands in the editor is a convenience, this is the enforcement.
 *
 * `StoreData.roles` is optional and the schema version did not change when it was added: a store without it was
 * created before roles existed (or was just created), and the first user who opens it becomes its only admin.
 */
import type { RolesView, SetRoleParams, StoreRole } from '../protocol';
import type { StoreData, StoreRoles } from '../store/schema';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { appendAudit } from './audit';
import { ValidationError } from './connections';

/** An admin-only action was asked by a user who is not an admin. Audited as 'permission-denied'. */
export class PermissionError extends Error {
  readonly code = 'permission-denied';
}

export type AdminAction = 'connect' | 'revoke' | 'resume-setup' | 'delete' | 're-credential' | 'approve-assessment' | 'set-role' | 'organizations';

const WHAT: Record<AdminAction, string> = {
  connect: 'adding a connection',
  revoke: 'revoking a connection',
  'resume-setup': "resuming a connection's setup",
  delete: 'deleting a connection',
  're-credential': "changing a connection's credentials",
  'approve-assessment': 'approving an assessment',
  'set-role': 'changing roles',
  organizations: 'creating, changing or deleting organizations, or moving connections between them',
};

/** The role of `user`: admin when listed as one, or when the store has no roles yet; otherwise viewer. */
export function roleOf(data: StoreData, user: string): StoreRole {
  if (!data.roles) return 'admin';
  return data.roles.admins.includes(user) ? 'admin' : 'viewer';
}

export function rolesView(data: StoreData, user: string): RolesView {
  const roles = data.roles ?? { admins: [user], viewers: [] };
  return { user, role: roleOf(data, user), admins: [...roles.admins], viewers: [...roles.viewers] };
}

/** A store without roles gets `user` as its first admin. Returns whether it did. */
export async function claimIfUnowned(store: Store, user: string): Promise<boolean> {
  if (store.data.roles) return false;
  await store.update((d) => { d.roles ??= { admins: [user], viewers: [] }; }, { rows: [] });
  return true;
}

/** Throws a PermissionError, after an audit row 'permission-denied', unless `user` is an admin of the store. */
export async function requireAdmin(store: Store, clock: Clock, user: string, action: AdminAction): Promise<void> {
  if (!store.data.roles) { await claimIfUnowned(store, user); return; }
  if (roleOf(store.data, user) === 'admin') return;
  const admins = store.data.roles.admins;
  await store.update((d) => { appendAudit(d, clock.now(), 'permission-denied', undefined, { action, user, role: 'viewer' }, user); }, { rows: [] });
  throw new PermissionError(
    `'${user}' is a viewer of this Rampart store: ${WHAT[action]} needs an admin. ` +
    `Ask an admin (${admins.join(', ') || 'none'}) to run it, or to make you one with: rampart roles add-admin ${user}`,
  );
}

/**
 * Makes `p.user` an admin, a viewer, or neither ('none', which reads as a viewer); admin only, audited as
 * 'role-change'. The last admin cannot stop being one.
 */
export async function setRole(store: Store, clock: Clock, actor: string, p: SetRoleParams): Promise<RolesView> {
  const target = (p?.user ?? '').trim();
  if (!target || /\s/.test(target)) throw new ValidationError(`A role needs an OS user name (no spaces), got '${p?.user ?? ''}'.`);
  if (!['admin', 'viewer', 'none'].includes(p.role)) throw new ValidationError(`Unknown role '${p.role}': use admin, viewer or none.`);
  await requireAdmin(store, clock, actor, 'set-role');
  const roles: StoreRoles = store.data.roles!;
  if (p.role !== 'admin' && roles.admins.length === 1 && roles.admins[0] === target) {
    throw new ValidationError(`'${target}' is the last admin of this Rampart store: make someone else an admin first.`);
  }
  await store.update((d) => {
    const r = d.roles!;
    const previous: StoreRole | 'none' = r.admins.includes(target) ? 'admin' : r.viewers.includes(target) ? 'viewer' : 'none';
    r.admins = r.admins.filter((u) => u !== target);
    r.viewers = r.viewers.filter((u) => u !== target);
    if (p.role === 'admin') r.admins.push(target);
    if (p.role === 'viewer') r.viewers.push(target);
    appendAudit(d, clock.now(), 'role-change', undefined, { user: target, role: p.role, previous }, actor);
  }, { rows: [] });
  return rolesView(store.data, actor);
}
