/** Rules on resource settings that widen access: storage, key vault and public IPs (ARM and Bicep). */
import { get, prop } from '../json';
import type { LocatedValue, ResourceDecl } from '../model';
import type { LintContext, Rule, RuleMeta } from './types';

export const RP101: RuleMeta = {
  id: 'RP101', name: 'storage-public-blob-access', severity: 'warning',
  summary: 'allowBlobPublicAccess is true.',
  explanation: 'Containers in the account can then be made readable by anyone on the internet without a credential.',
  fix: 'Set allowBlobPublicAccess to false; share data with SAS tokens or Entra ID instead.',
};
export const RP102: RuleMeta = {
  id: 'RP102', name: 'storage-public-network', severity: 'information',
  summary: 'publicNetworkAccess is Enabled without a default-deny network rule.',
  explanation: 'The account accepts requests from every network; only credentials stand between it and the internet.',
  fix: "Set networkAcls.defaultAction to 'Deny' with the networks that need access, or publicNetworkAccess to 'Disabled' with private endpoints.",
};
export const RP103: RuleMeta = {
  id: 'RP103', name: 'keyvault-purge-protection', severity: 'warning',
  summary: 'Purge protection is off or absent.',
  explanation: 'Without purge protection a deleted vault or secret can be purged at once, by an attacker or by mistake, and keys encrypting data are lost for good.',
  fix: 'Set enablePurgeProtection to true (it cannot be turned off again).',
};
export const RP104: RuleMeta = {
  id: 'RP104', name: 'keyvault-rotation', severity: 'warning',
  summary: 'A key without a rotation policy, or a secret without an expiry.',
  explanation: 'Keys and secrets that never change stay useful to whoever copied them.',
  fix: 'Give keys a rotationPolicy and secrets attributes.exp.',
};
export const RP105: RuleMeta = {
  id: 'RP105', name: 'keyvault-access-policies', severity: 'information',
  summary: 'The vault uses access policies instead of RBAC authorization.',
  explanation: 'Access policies grant vault-wide data access outside Azure RBAC: they do not show in role assignment reviews, PIM or deny assignments.',
  fix: 'Set enableRbacAuthorization to true and grant Key Vault data roles.',
};
export const RP106: RuleMeta = {
  id: 'RP106', name: 'public-ip', severity: 'information',
  summary: 'A public IP address resource.',
  explanation: 'Each public IP is internet attack surface.',
  fix: 'Prefer private endpoints, Bastion or a shared, protected ingress (Application Gateway, Front Door).',
};

const is = (v: LocatedValue | undefined, value: string | boolean) =>
  v && (v.kind === 'string' || v.kind === 'boolean') && (typeof value === 'string' ? String(v.value).toLowerCase() === value.toLowerCase() : v.value === value);

/** Where an absent property's finding goes: the `properties` key, else the resource type. */
function anchor(r: ResourceDecl) { return prop(r.body, 'properties')?.keyRange ?? r.typeRange; }

export const resourceRules: Rule[] = [
  {
    meta: RP101,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.storage/storageaccounts')) {
        const v = get(r.body, 'properties.allowBlobPublicAccess');
        if (is(v, true)) ctx.report(RP101, v!.range, 'allowBlobPublicAccess is true: containers can be made public.', { suggestion: 'false' });
      }
    },
  },
  {
    meta: RP102,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.storage/storageaccounts')) {
        const v = get(r.body, 'properties.publicNetworkAccess');
        if (!is(v, 'Enabled')) continue;
        if (is(get(r.body, 'properties.networkAcls.defaultAction'), 'Deny')) continue;
        ctx.report(RP102, v!.range, "publicNetworkAccess is Enabled and networkAcls.defaultAction is not 'Deny': every network can reach the account.");
      }
    },
  },
  {
    meta: RP103,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.keyvault/vaults')) {
        const v = get(r.body, 'properties.enablePurgeProtection');
        if (is(v, true) || v?.kind === 'unknown') continue;
        ctx.report(RP103, v?.range ?? anchor(r), v ? 'enablePurgeProtection is false.' : 'The vault has no enablePurgeProtection: purge protection is off.',
          v ? { suggestion: 'true' } : { addProperty: { key: 'enablePurgeProtection', values: ['true'] } });
      }
    },
  },
  {
    meta: RP104,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.keyvault/vaults/keys')) {
        if (!get(r.body, 'properties.rotationPolicy')) ctx.report(RP104, anchor(r), 'The key has no rotationPolicy.', { addProperty: { key: 'rotationPolicy', values: [] } });
      }
      for (const r of ctx.resourcesOfType('microsoft.keyvault/vaults/secrets')) {
        if (!get(r.body, 'properties.attributes.exp')) ctx.report(RP104, anchor(r), 'The secret has no expiry (attributes.exp).');
      }
    },
  },
  {
    meta: RP105,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.keyvault/vaults')) {
        const rbac = get(r.body, 'properties.enableRbacAuthorization');
        const policies = get(r.body, 'properties.accessPolicies');
        if (is(rbac, false)) ctx.report(RP105, rbac!.range, 'enableRbacAuthorization is false: the vault uses access policies.', { suggestion: 'true' });
        else if (!rbac && policies?.kind === 'array' && policies.items.length) {
          ctx.report(RP105, prop(get(r.body, 'properties'), 'accessPolicies')!.keyRange, 'The vault grants access through access policies, not RBAC.');
        }
      }
      for (const r of ctx.resourcesOfType('microsoft.keyvault/vaults/accesspolicies')) {
        ctx.report(RP105, r.typeRange, 'Access policies grant vault data access outside Azure RBAC.');
      }
    },
  },
  {
    meta: RP106,
    check(ctx: LintContext) {
      for (const r of ctx.resourcesOfType('microsoft.network/publicipaddresses')) {
        ctx.report(RP106, r.typeRange, 'A public IP address: internet-facing attack surface.');
      }
    },
  },
];
