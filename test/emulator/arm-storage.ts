/** Microsoft.Storage routes: storage accounts of a subscription or of a resource group. */
import type { ArmRoute } from './arm';
import { providerPrefix, wireResource } from './arm-common';
import type { ScenarioSubscription } from './scenario';

const TYPE = 'Microsoft.Storage/storageAccounts';

function accounts(sub: ScenarioSubscription, rg?: string): unknown[] {
  return (sub.storageAccounts ?? [])
    .filter((a) => rg === undefined || a.resourceGroup.toLowerCase() === rg.toLowerCase())
    .map((a) => wireResource(providerPrefix(sub.id, a.resourceGroup, 'Microsoft.Storage'), TYPE, a));
}

export const storageRoutes: ArmRoute[] = [
  {
    pattern: /^\/subscriptions\/(?<sub>[^/]+)\/providers\/Microsoft\.Storage\/storageAccounts$/i,
    action: 'Microsoft.Storage/storageAccounts/read',
    handle: ({ sub }) => ({ list: accounts(sub!) }),
  },
  {
    pattern: /^\/subscriptions\/(?<sub>[^/]+)\/resourceGroups\/(?<rg>[^/]+)\/providers\/Microsoft\.Storage\/storageAccounts$/i,
    action: 'Microsoft.Storage/storageAccounts/read',
    handle: ({ sub, groups }) => ({ list: accounts(sub!, groups.rg) }),
  },
];
