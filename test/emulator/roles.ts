/**
 * Role definitions (built-in from builtin-roles.json + the scenario's custom ones) and role assignments, projected
 * into the wire shapes of Microsoft.Authorization 2022-04-01.
 */
import builtinRoles from './builtin-roles.json';
import { stableGuid } from './http';
import type { Scenario, ScenarioManagementGroup, ScenarioRoleAssignment, ScenarioSubscription } from './scenario';

export interface RoleDef {
  id: string;
  roleName: string;
  description: string;
  type: 'BuiltInRole' | 'CustomRole';
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  assignableScopes: string[];
  createdOn: string;
  updatedOn: string;
}

const BUILTIN_CREATED = '2015-02-02T21:55:09.8806423Z';
const BUILTIN_UPDATED = '2024-04-16T09:00:00.0000000Z';
const CUSTOM_CREATED = '2024-03-01T12:00:00.0000000Z';
const ASSIGNMENT_CREATED = '2024-01-15T09:30:00.0000000Z';

const BUILTINS: RoleDef[] = (builtinRoles as Omit<RoleDef, 'type' | 'createdOn' | 'updatedOn'>[]).map((r) => ({
  ...r,
  type: 'BuiltInRole',
  createdOn: BUILTIN_CREATED,
  updatedOn: BUILTIN_UPDATED,
}));

export function allRoles(scenario: Scenario): RoleDef[] {
  const custom: RoleDef[] = (scenario.roleDefinitions ?? []).map((r) => ({
    id: r.id,
    roleName: r.roleName,
    description: r.description ?? '',
    type: 'CustomRole',
    actions: r.actions,
    notActions: r.notActions ?? [],
    dataActions: r.dataActions ?? [],
    notDataActions: r.notDataActions ?? [],
    assignableScopes: r.assignableScopes,
    createdOn: CUSTOM_CREATED,
    updatedOn: CUSTOM_CREATED,
  }));
  return [...BUILTINS, ...custom];
}

/** A role by display name (case-insensitive) or definition GUID. */
export function findRole(scenario: Scenario, nameOrId: string): RoleDef | undefined {
  const want = nameOrId.toLowerCase();
  return allRoles(scenario).find((r) => r.id.toLowerCase() === want || r.roleName.toLowerCase() === want);
}

/** `{id, name, type, properties}` as ARM serves a role definition; `scopePrefix` is "" or "/subscriptions/<id>". */
export function roleDefinitionResource(def: RoleDef, scopePrefix: string): Record<string, unknown> {
  return {
    id: `${scopePrefix}/providers/Microsoft.Authorization/roleDefinitions/${def.id}`,
    name: def.id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: def.roleName,
      type: def.type,
      description: def.description,
      assignableScopes: def.assignableScopes,
      permissions: [
        { actions: def.actions, notActions: def.notActions, dataActions: def.dataActions, notDataActions: def.notDataActions },
      ],
      createdOn: def.createdOn,
      updatedOn: def.updatedOn,
      createdBy: null,
      updatedBy: null,
    },
  };
}

/** Full ARM scope of an assignment ("/subscriptions/<id>[/resourceGroups/<rg>...]"). */
export function assignmentScope(sub: ScenarioSubscription, ra: ScenarioRoleAssignment): string {
  const s = (ra.scope ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (/^subscriptions\//i.test(s)) return `/${s}`;
  return s ? `/subscriptions/${sub.id}/${s}` : `/subscriptions/${sub.id}`;
}

export function assignmentName(sub: ScenarioSubscription, ra: ScenarioRoleAssignment): string {
  return ra.name ?? stableGuid(`ra:${sub.id}|${assignmentScope(sub, ra).toLowerCase()}|${ra.principalId}|${ra.role}`.toLowerCase());
}

export function roleAssignmentResource(scenario: Scenario, sub: ScenarioSubscription, ra: ScenarioRoleAssignment): Record<string, unknown> {
  const role = findRole(scenario, ra.role);
  const roleId = role?.id ?? ra.role;
  const scope = assignmentScope(sub, ra);
  const name = assignmentName(sub, ra);
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: assignmentProperties(ra, `/subscriptions/${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, scope),
  };
}

/** The management groups above subscription `sub`, nearest first (the group holding it, its parent, ...). */
export function groupAncestors(scenario: Scenario, sub: string): ScenarioManagementGroup[] {
  const groups = scenario.managementGroups ?? [];
  const byId = (id: string | undefined) => groups.find((g) => g.id.toLowerCase() === id?.toLowerCase());
  const out: ScenarioManagementGroup[] = [];
  for (let g = groups.find((x) => x.subscriptions?.some((s) => s.toLowerCase() === sub.toLowerCase())); g && !out.includes(g); g = byId(g.parent)) out.push(g);
  return out;
}

/**
 * A role assignment made at a management group. Listed within subscription `sub` (inherited), its role definition id
 * is subscription-prefixed, as ARM lists it there; as a Resource Graph row (no `sub`), the tenant-level id.
 */
export function groupAssignmentResource(scenario: Scenario, mg: ScenarioManagementGroup, ra: ScenarioRoleAssignment, sub?: string): Record<string, unknown> {
  return inheritedAssignmentResource(scenario, `/providers/Microsoft.Management/managementGroups/${mg.id}`, `mg:${mg.id}`, ra, sub);
}

/** A role assignment at the tenant root, scope "/" (what elevating access gives a Global Administrator), as above. */
export function rootAssignmentResource(scenario: Scenario, ra: ScenarioRoleAssignment, sub?: string): Record<string, unknown> {
  return inheritedAssignmentResource(scenario, '/', 'root', ra, sub);
}

function inheritedAssignmentResource(scenario: Scenario, scope: string, key: string, ra: ScenarioRoleAssignment, sub: string | undefined): Record<string, unknown> {
  const name = ra.name ?? stableGuid(`ra:${key}|${ra.principalId}|${ra.role}`.toLowerCase());
  const roleId = findRole(scenario, ra.role)?.id ?? ra.role;
  return {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: assignmentProperties(ra, `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, scope),
  };
}

function assignmentProperties(ra: ScenarioRoleAssignment, roleDefinitionId: string, scope: string): Record<string, unknown> {
  const created = ra.createdOn ?? ASSIGNMENT_CREATED;
  return {
    roleDefinitionId,
    principalId: ra.principalId,
    principalType: ra.principalType ?? 'User',
    scope,
    condition: ra.condition ?? null,
    conditionVersion: ra.condition ? '2.0' : null,
    createdOn: created,
    updatedOn: created,
    createdBy: ra.createdBy ?? null,
    updatedBy: ra.createdBy ?? null,
    delegatedManagedIdentityResourceId: null,
    description: ra.description ?? null,
  };
}
