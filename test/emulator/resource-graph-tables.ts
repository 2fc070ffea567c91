/**
 * Azure Resource Graph tables generated from the scenario, row shapes as ARG serves them: the ARM resource (id,
 * name, properties as the resource provider returns them) plus ARG's columns (lower-case `type`, tenantId,
 * subscriptionId, lower-case resourceGroup, location, tags). Rows of subscriptions outside `subs` are not generated.
 * Role definitions are tenant-level rows (no subscriptionId): ARG answers them whatever the subscriptions filter.
 * Role assignments follow the request's authorizationScopeFilter (ScopeFilter): at the subscriptions and below them
 * by default; the management groups' assignments above them (rows without subscriptionId) only when it looks above.
 */
import { providerPrefix, wireResource } from './arm-common';
import { allRoles, groupAncestors, groupAssignmentResource, roleAssignmentResource, roleDefinitionResource, rootAssignmentResource } from './roles';
import type { Scenario, ScenarioResource, ScenarioSubscription } from './scenario';

export type ArgRow = Record<string, unknown>;
/** QueryRequestOptions.authorizationScopeFilter. */
export const SCOPE_FILTERS = ['AtScopeAndBelow', 'AtScopeAndAbove', 'AtScopeExact', 'AtScopeAboveAndBelow'] as const;
export type ScopeFilter = typeof SCOPE_FILTERS[number];

function row(scenario: Scenario, sub: ScenarioSubscription | undefined, resource: Record<string, unknown>, extra: Record<string, unknown> = {}): ArgRow {
  const id = String(resource.id);
  const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '';
  return {
    tags: {}, location: '', ...resource, type: String(resource.type).toLowerCase(),
    tenantId: scenario.tenant.id, subscriptionId: sub?.id ?? '', resourceGroup: rg, ...extra,
  };
}

type Want = (type: string) => boolean;
type Table = (scenario: Scenario, subs: ScenarioSubscription[], want: Want, filter: ScopeFilter) => ArgRow[];

function containers(scenario: Scenario, subs: ScenarioSubscription[], want: Want): ArgRow[] {
  const out: ArgRow[] = [];
  for (const s of subs) {
    if (want('microsoft.resources/subscriptions')) out.push(row(scenario, s, {
      id: `/subscriptions/${s.id}`, name: s.displayName, type: 'microsoft.resources/subscriptions', tags: s.tags ?? {},
      properties: {
        state: s.state ?? 'Enabled', subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
        // As ARG: the groups above the subscription, nearest first.
        managementGroupAncestorsChain: groupAncestors(scenario, s.id).map((g) => ({ displayName: g.displayName ?? g.id, name: g.id })),
      },
    }));
    for (const g of want('microsoft.resources/subscriptions/resourcegroups') ? s.resourceGroups ?? [] : []) {
      out.push(row(scenario, s, {
        id: `/subscriptions/${s.id}/resourceGroups/${g.name}`, name: g.name, type: 'microsoft.resources/subscriptions/resourcegroups',
        location: g.location, tags: g.tags ?? {}, properties: { provisioningState: 'Succeeded' },
      }, { resourceGroup: g.name.toLowerCase() }));
    }
  }
  return out;
}

function authorization(scenario: Scenario, subs: ScenarioSubscription[], want: Want, filter: ScopeFilter): ArgRow[] {
  const out: ArgRow[] = want('microsoft.authorization/roledefinitions') ? allRoles(scenario).map((r) => row(scenario, undefined, roleDefinitionResource(r, ''))) : [];
  if (!want('microsoft.authorization/roleassignments')) return out;
  const below = filter === 'AtScopeAndBelow' || filter === 'AtScopeAboveAndBelow';
  for (const s of subs) {
    for (const ra of s.roleAssignments ?? []) {
      const r = roleAssignmentResource(scenario, s, ra);
      const atSubscription = (r.properties as { scope: string }).scope.toLowerCase() === `/subscriptions/${s.id}`.toLowerCase();
      if (below || atSubscription) out.push(row(scenario, s, r));
    }
  }
  if (filter !== 'AtScopeAndAbove' && filter !== 'AtScopeAboveAndBelow') return out;
  // Each group above any of the subscriptions, once: one resource, whatever number of subscriptions inherit it.
  const groups = new Set(subs.flatMap((s) => groupAncestors(scenario, s.id)));
  for (const g of groups) for (const ra of g.roleAssignments ?? []) out.push(row(scenario, undefined, groupAssignmentResource(scenario, g, ra)));
  // The tenant root is above every subscription.
  if (subs.length) for (const ra of scenario.rootRoleAssignments ?? []) out.push(row(scenario, undefined, rootAssignmentResource(scenario, ra)));
  return out;
}

function resources(scenario: Scenario, subs: ScenarioSubscription[], want: Want): ArgRow[] {
  const out: ArgRow[] = [];
  const add = (s: ScenarioSubscription, namespace: string, type: string, items: ScenarioResource[] | undefined) => {
    if (!want(type)) return;
    for (const item of items ?? []) out.push(row(scenario, s, wireResource(providerPrefix(s.id, item.resourceGroup, namespace), type, item)));
  };
  for (const s of subs) {
    add(s, 'Microsoft.Storage', 'Microsoft.Storage/storageAccounts', s.storageAccounts);
    add(s, 'Microsoft.KeyVault', 'Microsoft.KeyVault/vaults', s.keyVaults);
    add(s, 'Microsoft.Network', 'Microsoft.Network/publicIPAddresses', s.publicIpAddresses);
  }
  return out;
}

function security(scenario: Scenario, subs: ScenarioSubscription[], _want: Want): ArgRow[] {
  const out: ArgRow[] = [];
  for (const s of subs) {
    const prefix = `/subscriptions/${s.id}/providers/Microsoft.Security`;
    for (const x of s.secureScores ?? []) out.push(row(scenario, s, wireResource(prefix, 'Microsoft.Security/secureScores', x)));
    for (const c of s.secureScoreControls ?? []) {
      out.push(row(scenario, s, wireResource(`${prefix}/secureScores/ascScore`, 'Microsoft.Security/secureScores/secureScoreControls', c)));
    }
  }
  return out;
}

const TABLES: Record<string, Table> = {
  resourcecontainers: containers, authorizationresources: authorization, resources, securityresources: security,
};

/** The rows of `table` for these subscriptions (and the tenant-level rows); `want` may skip whole types. */
export function tableRows(scenario: Scenario, table: string, subs: ScenarioSubscription[], want: Want = () => true, filter: ScopeFilter = 'AtScopeAndBelow'): ArgRow[] {
  return TABLES[table]?.(scenario, subs, want, filter) ?? [];
}
