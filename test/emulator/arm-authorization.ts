/**
 * Microsoft.Authorization routes (api 2022-04-01): role assignments and role definitions at any scope
 * ("" = tenant root, /subscriptions/<s>, .../resourceGroups/<rg>, ...).
 */
import type { ArmRoute, ArmRouteContext } from './arm';
import { canRead } from './arm-common';
import { ArmError } from './http';
import { allRoles, assignmentName, assignmentScope, groupAncestors, groupAssignmentResource, roleAssignmentResource, roleDefinitionResource, rootAssignmentResource } from './roles';
import type { ScenarioRoleAssignment, ScenarioSubscription } from './scenario';

const SCOPE = '^(?<scope>/subscriptions/(?<sub>[^/]+)(?:/resourceGroups/(?<rg>[^/]+)(?:/providers/.+?)?)?)?';
const AUTHZ = '/providers/Microsoft\\.Authorization';

/** a is b or an ancestor of b ("" is the root, ancestor of everything). */
function ancestorOrSelf(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || y.startsWith(`${x}/`);
}

function visibleSubscriptions(ctx: ArmRouteContext): ScenarioSubscription[] {
  return ctx.sub ? [ctx.sub] : ctx.state.scenario.subscriptions.filter((s) => canRead(ctx.app, s.id));
}

function filterValue(filter: string, re: RegExp): string | undefined {
  return re.exec(filter)?.[1];
}

function listAssignments(ctx: ArmRouteContext): unknown[] {
  const requested = ctx.groups.scope ?? '';
  const filter = ctx.query.$filter ?? '';
  const atScope = /\batScope\(\)/i.test(filter);
  const principal =
    filterValue(filter, /principalId\s+eq\s+'([^']+)'/i) ?? filterValue(filter, /assignedTo\('([^']+)'\)/i);
  const out: unknown[] = [];
  for (const sub of visibleSubscriptions(ctx)) {
    for (const ra of sub.roleAssignments ?? []) {
      const scope = assignmentScope(sub, ra);
      const inherited = ancestorOrSelf(scope, requested);
      if (!(inherited || (!atScope && ancestorOrSelf(requested, scope)))) continue;
      if (principal && ra.principalId.toLowerCase() !== principal.toLowerCase()) continue;
      out.push(roleAssignmentResource(ctx.state.scenario, sub, ra));
    }
  }
  // Within a subscription, the assignments of the management groups above it apply too (inherited).
  const inSub = ctx.sub?.id;
  for (const mg of inSub ? groupAncestors(ctx.state.scenario, inSub) : []) {
    for (const ra of mg.roleAssignments ?? []) {
      if (principal && ra.principalId.toLowerCase() !== principal.toLowerCase()) continue;
      out.push(groupAssignmentResource(ctx.state.scenario, mg, ra, inSub));
    }
  }
  // And those at the tenant root, above every subscription.
  for (const ra of inSub ? ctx.state.scenario.rootRoleAssignments ?? [] : []) {
    if (principal && ra.principalId.toLowerCase() !== principal.toLowerCase()) continue;
    out.push(rootAssignmentResource(ctx.state.scenario, ra, inSub));
  }
  return out;
}

function getAssignment(ctx: ArmRouteContext): unknown {
  const name = ctx.groups.name.toLowerCase();
  for (const sub of visibleSubscriptions(ctx)) {
    const ra = (sub.roleAssignments ?? []).find((r: ScenarioRoleAssignment) => assignmentName(sub, r).toLowerCase() === name);
    if (ra) return roleAssignmentResource(ctx.state.scenario, sub, ra);
  }
  throw new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${ctx.groups.name}' is not found.`);
}

function scopePrefix(ctx: ArmRouteContext): string {
  return ctx.sub ? `/subscriptions/${ctx.sub.id}` : '';
}

function listDefinitions(ctx: ArmRouteContext): unknown[] {
  const filter = ctx.query.$filter ?? '';
  const type = filterValue(filter, /\btype\s+eq\s+'([^']+)'/i)?.toLowerCase();
  const roleName = filterValue(filter, /roleName\s+eq\s+'([^']+)'/i)?.toLowerCase();
  return allRoles(ctx.state.scenario)
    .filter((r) => (!type || r.type.toLowerCase() === type) && (!roleName || r.roleName.toLowerCase() === roleName))
    .map((r) => roleDefinitionResource(r, scopePrefix(ctx)));
}

function getDefinition(ctx: ArmRouteContext): unknown {
  const id = ctx.groups.id.toLowerCase();
  const def = allRoles(ctx.state.scenario).find((r) => r.id.toLowerCase() === id);
  if (!def) {
    throw new ArmError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${ctx.groups.id}' does not exist.`);
  }
  return roleDefinitionResource(def, scopePrefix(ctx));
}

export const authorizationRoutes: ArmRoute[] = [
  {
    pattern: new RegExp(`${SCOPE}${AUTHZ}/roleAssignments$`, 'i'),
    action: 'Microsoft.Authorization/roleAssignments/read',
    handle: (ctx) => ({ list: listAssignments(ctx) }),
  },
  {
    pattern: new RegExp(`${SCOPE}${AUTHZ}/roleAssignments/(?<name>[^/]+)$`, 'i'),
    action: 'Microsoft.Authorization/roleAssignments/read',
    handle: (ctx) => ({ body: getAssignment(ctx) }),
  },
  {
    pattern: new RegExp(`${SCOPE}${AUTHZ}/roleDefinitions$`, 'i'),
    action: 'Microsoft.Authorization/roleDefinitions/read',
    handle: (ctx) => ({ list: listDefinitions(ctx) }),
  },
  {
    pattern: new RegExp(`${SCOPE}${AUTHZ}/roleDefinitions/(?<id>[^/]+)$`, 'i'),
    action: 'Microsoft.Authorization/roleDefinitions/read',
    handle: (ctx) => ({ body: getDefinition(ctx) }),
  },
];
