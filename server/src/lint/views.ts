/**
 * Format-independent views over a ParsedIacFile: role definitions (az shape, REST shape, ARM/Bicep resources) and
 * role assignments, with case-insensitive keys because PowerShell, az and ARM each spell them differently.
 */
import { get, prop } from './json';
import type { LocatedProperty, LocatedValue, ParsedIacFile } from './model';
import type { AssignmentView, Entry, ListView, PermissionBlock, RoleView } from './rules/types';

/** Every role definition in the file: the direct ones and the roleDefinitions resources it deploys (not `existing`). */
export function roleViews(file: ParsedIacFile): RoleView[] {
  const out: RoleView[] = [];
  for (const def of file.roleDefinitions) { const v = roleView(def); if (v) out.push(v); }
  for (const r of file.resources) if (!r.existing && /(^|\/)roledefinitions$/i.test(r.type)) { const v = roleView(r.body); if (v) out.push(v); }
  return out;
}

/** A role definition's permission lists, from either shape: top-level keys (az) or `properties.*` (REST, ARM, Bicep). */
export function roleView(def: LocatedValue): RoleView | undefined {
  if (def.kind !== 'object') return undefined;
  const inner = get(def, 'properties');
  const props = inner?.kind === 'object' && (prop(inner, 'permissions') || prop(inner, 'roleName') || prop(inner, 'assignableScopes')) ? inner : def;
  const nameProp = prop(props, 'roleName') ?? prop(props, 'name') ?? prop(def, 'name');
  const blocks: PermissionBlock[] = [];
  const perms = get(props, 'permissions');
  if (perms?.kind === 'array') {
    for (const b of perms.items) if (b.kind === 'object') blocks.push(block(b));
  } else if (perms?.kind === 'object') {
    blocks.push(block(perms));
  } else {
    blocks.push(block(props));
  }
  return {
    node: def,
    name: nameProp?.value.kind === 'string' ? nameProp.value.value : undefined,
    anchor: nameProp?.value.range ?? { start: def.range.start, end: def.range.start },
    blocks,
    assignableScopes: list(prop(props, 'assignableScopes')),
  };
}

function block(obj: LocatedValue): PermissionBlock {
  return {
    actions: list(prop(obj, 'actions')),
    notActions: list(prop(obj, 'notActions')),
    dataActions: list(prop(obj, 'dataActions')),
    notDataActions: list(prop(obj, 'notDataActions')),
  };
}

/** A list property's string entries; a lone string counts as a one-entry list, unknown values are skipped. */
function list(p: LocatedProperty | undefined): ListView | undefined {
  if (!p) return undefined;
  const entries: Entry[] = [];
  const add = (v: LocatedValue) => { if (v.kind === 'string') entries.push({ text: v.value, range: v.range, node: v }); };
  if (p.value.kind === 'array') {
    for (const item of p.value.items) {
      // concat() of arrays in a list evaluates to a nested array: flatten it.
      if (item.kind === 'array') item.items.forEach(add); else add(item);
    }
  } else add(p.value);
  return { prop: p, entries };
}

/** Every role assignment resource the file deploys (not `existing`), with the fields the assignment rules judge. */
export function assignmentViews(file: ParsedIacFile): AssignmentView[] {
  return file.resources.filter((r) => !r.existing && /(^|\/)roleassignments$/i.test(r.type)).map((r) => {
    const properties = prop(r.body, 'properties');
    return {
      resource: r,
      roleDefinitionId: get(properties?.value, 'roleDefinitionId'),
      principalType: get(properties?.value, 'principalType'),
      properties,
      scope: get(r.body, 'scope'),
    };
  });
}
