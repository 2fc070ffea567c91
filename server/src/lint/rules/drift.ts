/**
 * RP030: a role definition in the file that a synced tenant already holds (same GUID or same name) with other
 * permissions. Deploying the file changes what every principal assigned that role can do, so the note says what
 * differs and how many principals hold it. Runs only when the lint was given the tenant's roles.
 */
import { get } from '../json';
import type { LintContext, ListView, RoleView, Rule, RuleMeta } from './types';

export const RP030: RuleMeta = {
  id: 'RP030', name: 'role-drift', severity: 'information',
  summary: 'A role definition of the same name or id exists in a synced tenant with different permissions.',
  explanation: 'The file and the tenant disagree: either the tenant was changed by hand (drift) or deploying the file will change what every principal assigned the role can do. The note lists the operations the file adds and removes and how many principals the tenant\'s definition is assigned to. It needs a synced connection (the editor\'s daemon, or `rampart lint --connection N`).',
  fix: 'Decide which side is right: bring the file in line with the tenant, or deploy the file knowingly and sync again.',
};

type ListKey = 'actions' | 'notActions' | 'dataActions' | 'notDataActions';
const LISTS: { key: ListKey; label: string }[] = [
  { key: 'actions', label: 'Actions' }, { key: 'notActions', label: 'NotActions' },
  { key: 'dataActions', label: 'DataActions' }, { key: 'notDataActions', label: 'NotDataActions' },
];
const GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** How many operations a message names per list before "and N more". */
const SHOWN = 4;

export const driftRules: Rule[] = [{
  meta: RP030,
  check(ctx: LintContext) {
    const tenant = ctx.tenantRoles;
    if (!tenant?.length) return;
    for (const role of ctx.roles) {
      const lists = fileLists(role);
      // A list with a runtime value (a parameter, a function call) cannot be compared statically.
      if (!lists) continue;
      const guid = roleGuid(role);
      const name = role.name?.toLowerCase();
      for (const t of tenant) {
        if (t.guid !== guid && t.roleName.toLowerCase() !== name) continue;
        const changes = LISTS.map(({ key, label }) => describeChange(label, lists[key], t[key])).filter((c): c is string => !!c);
        if (!changes.length) continue;
        const held = t.principals === 1 ? '1 principal' : `${t.principals} principals`;
        ctx.report(RP030, role.anchor,
          `'${t.roleName}' in the tenant (synced by connection '${t.source}') has other permissions: this file ${changes.join('; ')}. ` +
          `The tenant's definition is assigned to ${held}${t.principals ? ': deploying the file changes what they can do' : ''}.`);
      }
    }
  },
}];

/** The file role's permission lists, all blocks together; undefined when one holds a value not known statically. */
function fileLists(role: RoleView): Record<ListKey, string[]> | undefined {
  const out: Record<ListKey, string[]> = { actions: [], notActions: [], dataActions: [], notDataActions: [] };
  for (const block of role.blocks) {
    for (const { key } of LISTS) {
      const view: ListView | undefined = block[key];
      if (!view) continue;
      const v = view.prop.value;
      const items = v.kind === 'array' ? v.items.flatMap((i) => (i.kind === 'array' ? i.items : [i])) : [v];
      if (items.some((i) => i.kind !== 'string')) return undefined;
      out[key].push(...view.entries.map((e) => e.text));
    }
  }
  return out;
}

/** The role's GUID when the file states it: `Id` (az), `name` or `id` (REST, ARM) ending in a GUID. */
function roleGuid(role: RoleView): string | undefined {
  for (const key of ['id', 'name', 'roleDefinitionId']) {
    const v = get(role.node, key);
    const m = v?.kind === 'string' ? GUID.exec(v.value.trim()) : null;
    if (m) return m[1].toLowerCase();
  }
  return undefined;
}

/** "adds to Actions 'a', 'b'; removes 'c'" for one list, or undefined when both sides hold the same operations. */
function describeChange(label: string, file: string[], tenant: string[]): string | undefined {
  const f = new Map(file.map((s) => [s.trim().toLowerCase(), s.trim()]));
  const t = new Map(tenant.map((s) => [s.trim().toLowerCase(), s.trim()]));
  const added = [...f].filter(([k]) => !t.has(k)).map(([, v]) => v);
  const removed = [...t].filter(([k]) => !f.has(k)).map(([, v]) => v);
  if (!added.length && !removed.length) return undefined;
  const parts: string[] = [];
  if (added.length) parts.push(`adds ${names(added)}`);
  if (removed.length) parts.push(`removes ${names(removed)}`);
  return `${parts.join(' and ')} in ${label}`;
}

function names(ops: string[]): string {
  const shown = ops.slice(0, SHOWN).map((o) => `'${o}'`).join(', ');
  return ops.length > SHOWN ? `${shown} and ${ops.length - SHOWN} more` : shown;
}
