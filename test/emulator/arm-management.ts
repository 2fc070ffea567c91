/**
 * Microsoft.Management routes (api 2021-04-01): a management group's descendants (child groups at every level and
 * their subscriptions), as ManagementGroupsAPI.managementGroups.listDescendants reads them.
 */
import type { ArmRoute, ArmRouteContext } from './arm';
import { authorizationFailedMessage } from './arm-common';
import { ArmError } from './http';
import type { ScenarioApp, ScenarioManagementGroup } from './scenario';

const MG_TYPE = 'Microsoft.Management/managementGroups';
const groupId = (id: string) => `/providers/${MG_TYPE}/${id}`;

/** Whether the app may read the group: listed in its managementGroups, or (without that list) an app that reads every subscription. */
export function canReadGroup(app: ScenarioApp, group: string): boolean {
  if (app.managementGroups === undefined) return app.subscriptions === undefined || app.subscriptions === '*';
  return app.managementGroups === '*' || app.managementGroups.some((g) => g.toLowerCase() === group.toLowerCase());
}

function descendants(ctx: ArmRouteContext): unknown[] {
  const groups = ctx.state.scenario.managementGroups ?? [];
  const want = ctx.groups.mg.toLowerCase();
  const root = groups.find((g) => g.id.toLowerCase() === want);
  const action = 'Microsoft.Management/managementGroups/descendants/read';
  if (!root || !canReadGroup(ctx.app, root.id)) {
    // ARM answers 403 for a group the caller cannot see, whether or not it exists.
    throw new ArmError(403, 'AuthorizationFailed', authorizationFailedMessage(ctx, action, groupId(ctx.groups.mg)));
  }
  const out: unknown[] = [];
  const walk = (g: ScenarioManagementGroup) => {
    for (const child of groups.filter((x) => x.parent?.toLowerCase() === g.id.toLowerCase())) {
      out.push({ id: groupId(child.id), type: MG_TYPE, name: child.id, properties: { displayName: child.displayName ?? child.id, parent: { id: groupId(g.id) } } });
      walk(child);
    }
    for (const s of g.subscriptions ?? []) {
      const sub = ctx.state.scenario.subscriptions.find((x) => x.id.toLowerCase() === s.toLowerCase());
      out.push({ id: `/subscriptions/${s}`, type: `${MG_TYPE}/subscriptions`, name: s, properties: { displayName: sub?.displayName ?? s, parent: { id: groupId(g.id) } } });
    }
  };
  walk(root);
  return out;
}

export const managementRoutes: ArmRoute[] = [
  {
    pattern: /^\/providers\/Microsoft\.Management\/managementGroups\/(?<mg>[^/]+)\/descendants$/i,
    action: 'Microsoft.Management/managementGroups/descendants/read',
    handle: (ctx) => ({ list: descendants(ctx) }),
  },
];
