/**
 * Microsoft.KeyVault routes (management plane, what Reader may see): vaults of a subscription with their
 * properties, and the keys and secrets of one vault (metadata only: ARM never returns secret values).
 */
import type { ArmRoute, ArmRouteContext } from './arm';
import { providerPrefix, wireResource } from './arm-common';
import { ArmError } from './http';
import type { ScenarioVault } from './scenario';

const VAULTS = 'Microsoft.KeyVault/vaults';
const VAULT = '^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\\.KeyVault/vaults/(?<vault>[^/]+)';

function vaultId(subscriptionId: string, v: ScenarioVault): string {
  return `${providerPrefix(subscriptionId, v.resourceGroup, 'Microsoft.KeyVault')}/vaults/${v.name}`;
}

function findVault(ctx: ArmRouteContext): ScenarioVault {
  const { rg, vault } = ctx.groups;
  const v = (ctx.sub!.keyVaults ?? []).find((x) => x.resourceGroup.toLowerCase() === rg.toLowerCase() && x.name.toLowerCase() === vault.toLowerCase());
  if (!v) throw new ArmError(404, 'ResourceNotFound', `The Resource '${VAULTS}/${vault}' under resource group '${rg}' was not found.`);
  return v;
}

export const keyVaultRoutes: ArmRoute[] = [
  {
    pattern: /^\/subscriptions\/(?<sub>[^/]+)\/providers\/Microsoft\.KeyVault\/vaults$/i,
    action: 'Microsoft.KeyVault/vaults/read',
    handle: ({ sub }) => ({
      list: (sub!.keyVaults ?? []).map((v) => wireResource(providerPrefix(sub!.id, v.resourceGroup, 'Microsoft.KeyVault'), VAULTS, v)),
    }),
  },
  {
    pattern: new RegExp(`${VAULT}$`, 'i'),
    action: 'Microsoft.KeyVault/vaults/read',
    handle: (ctx) => {
      const v = findVault(ctx);
      return { body: wireResource(providerPrefix(ctx.sub!.id, v.resourceGroup, 'Microsoft.KeyVault'), VAULTS, v) };
    },
  },
  {
    pattern: new RegExp(`${VAULT}/keys$`, 'i'),
    action: 'Microsoft.KeyVault/vaults/keys/read',
    handle: (ctx) => {
      const v = findVault(ctx);
      return { list: (v.keys ?? []).map((k) => wireResource(vaultId(ctx.sub!.id, v), `${VAULTS}/keys`, k)) };
    },
  },
  {
    pattern: new RegExp(`${VAULT}/secrets$`, 'i'),
    action: 'Microsoft.KeyVault/vaults/secrets/read',
    handle: (ctx) => {
      const v = findVault(ctx);
      return { list: (v.secrets ?? []).map((s) => wireResource(vaultId(ctx.sub!.id, v), `${VAULTS}/secrets`, s)) };
    },
  },
];
