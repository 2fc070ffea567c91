/**
 * Azure Resource Graph tables generated from the scenario, row shapes as ARG serves them: the ARM resource (id,
 * name, properties as the resource provider returns them) plus ARG's columns (lower-case `type`, tenantId,
 * subscriptionId, lower-case resourceGroup, location, tags). Rows of subscriptions outside `subs` are not generated.
 * Role definitions are tenant-level rows (no subscriptionId): ARG answers them whatever the subscriptions filter.
 */
import { providerPrefix, wireResource } from './arm-common';
import { allRoles, roleAssignmentResource, roleDefinitionResource } from './roles';
import type { Scenario, ScenarioResource, ScenarioSubscription } from './scenario';

export type ArgRow = Record<string, unknown>;

function row(scenario: Scenario, sub: ScenarioSubscription | undefined, resource: Record<string, unknown>, extra: Record<string, unknown> = {}): ArgRow {
  const id = String(resource.id);
  const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '';
  return {
    tags: {}, location: '', ...resource, type: String(resource.type).toLowerCase(),
    tenantId: scenario.tenant.id, subscriptionId: sub?.id ?? '', resourceGroup: rg, ...extra,
  };
}

type Want = (type: string) => boolean;

function containers(scenario: Scenario, subs: ScenarioSubscription[], want: Want): ArgRow[] {
  const out: ArgRow[] = [];
  for (const s of subs) {
    if (want('microsoft.resources/subscriptions')) out.push(row(scenario, s, {
      id: `/subscriptions/${s.id}`, name: s.displayName, type: 'microsoft.resources/subscriptions', tags: s.tags ?? {},
      properties: { state: s.state ?? 'Enabled', subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' } },
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

function authorization(scenario: Scenario, subs: ScenarioSubscription[], want: Want): ArgRow[] {
  const out: ArgRow[] = want('microsoft.authorization/roledefinitions') ? allRoles(scenario).map((r) => row(scenario, undefined, roleDefinitionResource(r, ''))) : [];
  if (!want('microsoft.authorization/roleassignments')) return out;
  for (const s of subs) for (const ra of s.roleAssignments ?? []) out.push(row(scenario, s, roleAssignmentResource(scenario, s, ra)));
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

const TABLES: Record<string, (scenario: Scenario, subs: ScenarioSubscription[], want: Want) => ArgRow[]> = {
  resourcecontainers: containers, authorizationresources: authorization, resources, securityresources: security,
};

/** The rows of `table` for these subscriptions (and the tenant-level rows); `want` may skip whole types. */
export function tableRows(scenario: Scenario, table: string, subs: ScenarioSubscription[], want: Want = () => true): ArgRow[] {
  return TABLES[table]?.(scenario, subs, want) ?? [];
}
