/**
 * `rampart roles list|add-admin U|add-viewer U|remove U`: who may change the store. Listing is open to everyone;
 * changes are admin only (the service refuses a viewer, audited) and the last admin cannot be removed. A user in
 * neither list is a viewer.
 */
import type { RolesView } from '../protocol';
import type { RampartService } from '../core/service';
import { type CliValues, UsageError } from './args';

const ROLE = { 'add-admin': 'admin', 'add-viewer': 'viewer', remove: 'none' } as const;

export async function rolesCommand(service: RampartService, rest: string[], v: CliValues): Promise<number> {
  const [sub, user, extra] = rest;
  if (sub === undefined || sub === 'list') {
    if (user) throw new UsageError(`Unexpected argument '${user}'.`);
    return print(service.roles(), v);
  }
  if (!(sub in ROLE)) throw new UsageError(`Unknown roles command '${sub}': use list, add-admin U, add-viewer U or remove U.`);
  if (!user || extra) throw new UsageError(`roles ${sub} needs exactly one OS user name.`);
  const view = await service.setRole({ user, role: ROLE[sub as keyof typeof ROLE] });
  console.log(sub === 'remove' ? `'${user}' has no role any more (reads as a viewer).` : `'${user}' is now ${ROLE[sub as keyof typeof ROLE] === 'admin' ? 'an admin' : 'a viewer'}.`);
  return print(view, v);
}

function print(r: RolesView, v: CliValues): number {
  if (v.json) { console.log(JSON.stringify(r, null, 2)); return 0; }
  console.log(`You are '${r.user}': ${r.role}.`);
  console.log(`Admins:  ${r.admins.join(', ') || '(none)'}`);
  console.log(`Viewers: ${r.viewers.join(', ') || '(none)'}   (anyone not listed is a viewer too)`);
  return 0;
}
