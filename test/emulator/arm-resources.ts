/**
 * Microsoft.Resources routes: tenants, subscriptions, resource groups.
 */
import type { ArmRoute } from './arm';
import { canRead } from './arm-common';
import { ArmError } from './http';
import type { Scenario, ScenarioSubscription } from './scenario';

const SUB = '/subscriptions/(?<sub>[^/]+)';

function subscriptionResource(scenario: Scenario, s: ScenarioSubscription): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: scenario.tenant.id,
    displayName: s.displayName,
    state: s.state ?? 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
    ...(s.tags ? { tags: s.tags } : {}),
  };
}

function resourceGroupResource(s: ScenarioSubscription, g: NonNullable<ScenarioSubscription['resourceGroups']>[number]) {
  return {
    id: `/subscriptions/${s.id}/resourceGroups/${g.name}`,
    name: g.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: g.location,
    ...(g.tags ? { tags: g.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
}

export const resourcesRoutes: ArmRoute[] = [
  {
    pattern: /^\/tenants$/i,
    action: 'Microsoft.Resources/tenants/read',
    handle: ({ state }) => {
      const t = state.scenario.tenant;
      const domain = t.defaultDomain ?? `${t.id.slice(0, 8)}.onmicrosoft.com`;
      return {
        list: [
          {
            id: `/tenants/${t.id}`,
            tenantId: t.id,
            tenantCategory: 'Home',
            countryCode: 'US',
            displayName: t.displayName ?? t.id,
            domains: [domain],
            defaultDomain: domain,
            tenantType: 'AAD',
          },
        ],
      };
    },
  },
  {
    pattern: /^\/subscriptions$/i,
    action: 'Microsoft.Resources/subscriptions/read',
    handle: ({ state, app }) => ({
      list: state.scenario.subscriptions.filter((s) => canRead(app, s.id)).map((s) => subscriptionResource(state.scenario, s)),
    }),
  },
  {
    pattern: new RegExp(`^${SUB}$`, 'i'),
    action: 'Microsoft.Resources/subscriptions/read',
    handle: ({ state, sub }) => ({ body: subscriptionResource(state.scenario, sub!) }),
  },
  {
    pattern: new RegExp(`^${SUB}/resourcegroups$`, 'i'),
    action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
    handle: ({ sub }) => ({ list: (sub!.resourceGroups ?? []).map((g) => resourceGroupResource(sub!, g)) }),
  },
  {
    pattern: new RegExp(`^${SUB}/resourcegroups/(?<rg>[^/]+)$`, 'i'),
    action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
    handle: ({ sub, groups }) => {
      const g = (sub!.resourceGroups ?? []).find((x) => x.name.toLowerCase() === groups.rg.toLowerCase());
      if (!g) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${groups.rg}' could not be found.`);
      return { body: resourceGroupResource(sub!, g) };
    },
  },
];
