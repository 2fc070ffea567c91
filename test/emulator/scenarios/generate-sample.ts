/**
 * Writes scenarios/sample.json, the "Contoso" demo tenant. Deterministic: ids are fixed or derived from names.
 *   npx tsx test/emulator/scenarios/generate-sample.ts [OUT]   (default test/emulator/scenarios/sample.json)
 * The emulator never runs this: sample.json is committed.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stableGuid } from '../http';
import type { Scenario, ScenarioRoleAssignment, ScenarioSubscription } from '../scenario';
import { keyVault, publicIp, scoreControl, secureScore, storageAccount } from './posture-builders';

const id = (name: string) => stableGuid(`contoso-sample:${name}`);
const TENANT = '7d3c2b1a-9e8f-4a6b-8c5d-0e1f2a3b4c5d';
const PROD = 'b6f1c2d3-4e5f-4a7b-9c8d-1e2f3a4b5c01';
const DEV = 'c7a2d3e4-5f6a-4b8c-8d9e-2f3a4b5c6d02';
const SHARED = 'd8b3e4f5-6a7b-4c9d-9e0f-3a4b5c6d7e03';

const user = (n: string) => id(`user:${n}`);
const group = (n: string) => id(`group:${n}`);
const sp = (n: string) => id(`sp:${n}`);
const guest = id('user:vendor.ext#EXT#');
const partnerGroup = id('foreigngroup:fabrikam-support');

const readerSp = id('sp:rampart-reader');
const limitedSp = id('sp:rampart-limited');

const custom = {
  superuser: id('role:Contoso Ops Superuser'),
  vmOperator: id('role:Contoso VM Operator'),
};

const U = (name: string, role: string, scope = '', description?: string): ScenarioRoleAssignment => ({
  principalId: user(name), principalType: 'User', role, scope, ...(description ? { description } : {}),
});
const G = (name: string, role: string, scope = ''): ScenarioRoleAssignment => ({ principalId: group(name), principalType: 'Group', role, scope });
const S = (name: string, role: string, scope = '', description?: string): ScenarioRoleAssignment => ({
  principalId: sp(name), principalType: 'ServicePrincipal', role, scope, ...(description ? { description } : {}),
});
const rg = (name: string) => `resourceGroups/${name}`;

// Posture: a mix of good, bad and unknown (fields the API leaves out) so every evidence state shows in the demo.
const control = {
  mfa: ['34a42fb3-e6db-409c-b56b-7b1db6b8aee0', 'Enable MFA'],
  transit: ['0e55495e-034f-4abc-8293-767229250176', 'Encrypt data in transit'],
  network: ['2d358f2c-1c9a-4a63-8d2f-6b1c0e3a7f11', 'Restrict unauthorized network access'],
  updates: ['9b1e7c55-3d0a-4f2e-a6c1-5e8f2b7d4c22', 'Apply system updates'],
} as const;
const nicConfig = (sub: string, rgName: string, nic: string) => `/subscriptions/${sub}/resourceGroups/${rgName}/providers/Microsoft.Network/networkInterfaces/${nic}/ipConfigurations/ipconfig1`;
const frontend = (sub: string, rgName: string, kind: string, name: string, cfg: string) => `/subscriptions/${sub}/resourceGroups/${rgName}/providers/Microsoft.Network/${kind}/${name}/${cfg}`;

const tags = (env: string, owner: string, costCenter: string, extra: Record<string, string> = {}) => ({ env, owner, costCenter, ...extra });

const production: ScenarioSubscription = {
  id: PROD,
  displayName: 'Contoso Production',
  state: 'Enabled',
  tags: { env: 'prod' },
  resourceGroups: [
    { name: 'rg-prod-web', location: 'eastus', tags: tags('prod', 'web-team', 'CC-1001', { dataClassification: 'internal' }) },
    { name: 'rg-prod-data', location: 'eastus', tags: tags('prod', 'data-team', 'CC-1002', { dataClassification: 'confidential' }) },
    { name: 'rg-prod-network', location: 'eastus2', tags: tags('prod', 'platform', 'CC-1000') },
    { name: 'rg-prod-identity', location: 'westeurope', tags: tags('prod', 'security', 'CC-1003') },
    { name: 'rg-prod-monitoring', location: 'eastus', tags: tags('prod', 'platform', 'CC-1000') },
  ],
  roleAssignments: [
    { ...S('rampart-reader', 'Reader'), principalId: readerSp, description: 'Rampart posture scanner' },
    { ...S('rampart-limited', 'Reader'), principalId: limitedSp },
    S('rampart-reader-security', 'Security Reader'),
    U('alice.chen', 'Owner', '', 'Break-glass owner'),
    S('terraform-ci', 'Owner', '', 'Terraform pipeline (legacy, over-privileged)'),
    U('dave.okafor', 'User Access Administrator'),
    G('Platform Engineers', 'Contributor'),
    G('Security Team', 'Security Admin'),
    G('Security Team', 'Reader'),
    G('Developers', 'Reader'),
    G('DBAs', 'Contributor', rg('rg-prod-data')),
    U('bob.martinez', 'Contributor', rg('rg-prod-web')),
    U('carol.nguyen', 'Virtual Machine Contributor', rg('rg-prod-web')),
    U('erin.kowalski', 'Network Contributor', rg('rg-prod-network')),
    S('github-actions-deploy', 'Contributor', rg('rg-prod-web')),
    S('backup-automation', 'Storage Blob Data Reader', rg('rg-prod-data')),
    S('monitoring-agent', 'Monitoring Reader'),
    U('grace.lee', 'Key Vault Administrator', rg('rg-prod-identity')),
    { ...U('henry.adams', 'Role Based Access Control Administrator'), condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {acdd72a7-3385-48ef-bd42-f606fba81ae7}))" },
    G('Helpdesk', custom.vmOperator, rg('rg-prod-web')),
    U('frank.silva', 'Reader'),
  ],
  secureScores: [secureScore(22.3, 36)],
  secureScoreControls: [
    scoreControl(control.mfa[0], control.mfa[1], 10, 10, 4, 0),
    scoreControl(control.transit[0], control.transit[1], 3.33, 4, 5, 1),
    scoreControl(control.network[0], control.network[1], 2, 4, 3, 3),
    scoreControl(control.updates[0], control.updates[1], 6, 6, 8, 0),
  ],
  storageAccounts: [
    storageAccount('stcontosoprodweb', 'rg-prod-web', 'eastus', {
      allowBlobPublicAccess: false, publicNetworkAccess: 'Disabled', minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true,
      allowSharedKeyAccess: false, networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
    }),
    storageAccount('stcontosoproddata', 'rg-prod-data', 'eastus', {
      allowBlobPublicAccess: true, publicNetworkAccess: 'Enabled', minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true,
      allowSharedKeyAccess: true, networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
    }),
  ],
  keyVaults: [
    keyVault('kv-contoso-prod', 'rg-prod-identity', 'westeurope', TENANT, {
      enableSoftDelete: true, enableRbacAuthorization: false, publicNetworkAccess: 'Enabled',
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
      accessPolicies: [{ tenantId: TENANT, objectId: user('grace.lee'), permissions: { keys: ['get', 'list'], secrets: ['get', 'list'] } }],
    }, [{ name: 'app-encryption', expires: '2030-06-30T00:00:00Z' }], [{ name: 'db-connection', expires: '2030-01-31T00:00:00Z' }]),
  ],
  publicIpAddresses: [
    publicIp('pip-prod-appgw', 'rg-prod-network', 'eastus2', '20.42.10.5', frontend(PROD, 'rg-prod-network', 'applicationGateways', 'agw-prod', 'frontendIPConfigurations/appGwPublicFrontendIp')),
    publicIp('pip-prod-bastion', 'rg-prod-network', 'eastus2', '20.42.10.9', frontend(PROD, 'rg-prod-network', 'bastionHosts', 'bas-prod', 'bastionHostIpConfigurations/IpConf')),
  ],
};

const development: ScenarioSubscription = {
  id: DEV,
  displayName: 'Contoso Development',
  state: 'Enabled',
  tags: { env: 'dev' },
  resourceGroups: [
    { name: 'rg-dev-sandbox', location: 'westus2', tags: tags('dev', 'developers', 'CC-2001', { expires: '2025-12-31' }) },
    { name: 'rg-dev-web', location: 'westus2', tags: tags('dev', 'web-team', 'CC-2001') },
    { name: 'rg-dev-data', location: 'westus2', tags: tags('dev', 'data-team', 'CC-2002') },
    { name: 'rg-dev-ml', location: 'centralus' },
  ],
  roleAssignments: [
    { ...S('rampart-reader', 'Reader'), principalId: readerSp, description: 'Rampart posture scanner' },
    { principalId: partnerGroup, principalType: 'ForeignGroup', role: 'Contributor', scope: '', description: 'Fabrikam support (partner tenant)' },
    { principalId: guest, principalType: 'User', role: 'Contributor', scope: rg('rg-dev-sandbox'), description: 'Guest: vendor@fabrikam.com' },
    G('Developers', 'Contributor'),
    G('Platform Engineers', 'Owner'),
    G('Security Team', 'Security Reader'),
    G('DBAs', 'Contributor', rg('rg-dev-data')),
    U('irene.novak', 'Contributor', rg('rg-dev-ml')),
    U('jamal.brooks', 'Owner', rg('rg-dev-sandbox')),
    U('kim.tanaka', 'Storage Blob Data Contributor', rg('rg-dev-data')),
    U('luis.ortega', 'Reader'),
    U('maya.patel', 'Virtual Machine Contributor', rg('rg-dev-web')),
    S('github-actions-deploy', 'Contributor'),
    S('terraform-ci', 'Contributor'),
    S('legacy-integration', 'Storage Account Contributor', rg('rg-dev-data')),
    U('nina.schulz', custom.vmOperator, rg('rg-dev-web')),
    U('bob.martinez', 'Reader'),
  ],
  secureScores: [secureScore(28.1, 36)],
  secureScoreControls: [
    scoreControl(control.mfa[0], control.mfa[1], 10, 10, 2, 0),
    scoreControl(control.updates[0], control.updates[1], 6, 6, 3, 0),
  ],
  storageAccounts: [
    storageAccount('stcontosodevsandbox', 'rg-dev-sandbox', 'westus2', {
      allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_0', supportsHttpsTrafficOnly: false,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
    }),
  ],
  // Fields left out on purpose (as older vaults return them): purge protection, RBAC and network access are unknown.
  keyVaults: [keyVault('kv-contoso-dev', 'rg-dev-sandbox', 'westus2', TENANT, { enableSoftDelete: true }, [], [{ name: 'test-api-key', expires: '2031-12-31T00:00:00Z' }])],
  publicIpAddresses: [
    publicIp('pip-dev-old-vm', 'rg-dev-sandbox', 'westus2', '20.51.3.77'),
    publicIp('pip-dev-web', 'rg-dev-web', 'westus2', '20.51.3.80', nicConfig(DEV, 'rg-dev-web', 'nic-dev-web-01')),
  ],
};

const shared: ScenarioSubscription = {
  id: SHARED,
  displayName: 'Contoso Shared Services',
  state: 'Enabled',
  tags: { env: 'shared' },
  resourceGroups: [
    { name: 'rg-shared-hub-network', location: 'eastus', tags: tags('shared', 'platform', 'CC-1000') },
    { name: 'rg-shared-keyvaults', location: 'eastus', tags: tags('shared', 'security', 'CC-1003', { dataClassification: 'secret' }) },
    { name: 'rg-shared-logs', location: 'northeurope', tags: tags('shared', 'platform', 'CC-1000') },
  ],
  roleAssignments: [
    { ...S('rampart-reader', 'Reader'), principalId: readerSp, description: 'Rampart posture scanner' },
    { ...G('Platform Engineers', custom.superuser), description: 'Ops superuser (custom role with *)' },
    U('alice.chen', 'Owner'),
    U('dave.okafor', 'Contributor'),
    G('Security Team', 'Security Admin'),
    G('Security Team', 'Key Vault Administrator', rg('rg-shared-keyvaults')),
    G('Finance Readers', 'Reader'),
    U('grace.lee', 'Key Vault Secrets User', rg('rg-shared-keyvaults')),
    U('erin.kowalski', 'Network Contributor', rg('rg-shared-hub-network')),
    S('monitoring-agent', 'Monitoring Reader'),
    S('backup-automation', 'Contributor', rg('rg-shared-logs')),
    S('terraform-ci', 'User Access Administrator', '', 'Terraform needs to grant roles (review)'),
    S('legacy-integration', 'Key Vault Reader', rg('rg-shared-keyvaults')),
    U('carol.nguyen', 'Reader'),
    U('henry.adams', 'Reader'),
    G('Helpdesk', 'Reader'),
  ],
  secureScores: [secureScore(31, 36)],
  secureScoreControls: [scoreControl(control.mfa[0], control.mfa[1], 10, 10, 1, 0)],
  storageAccounts: [
    // Created before the account-level settings existed: the API returns no allowBlobPublicAccess or publicNetworkAccess.
    storageAccount('stcontosologs', 'rg-shared-logs', 'northeurope', {
      minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }], virtualNetworkRules: [] },
    }),
  ],
  keyVaults: [
    keyVault('kv-contoso-shared', 'rg-shared-keyvaults', 'eastus', TENANT, {
      enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: 'Disabled',
    }, [
      { name: 'cmk-storage', expires: '2030-06-30T00:00:00Z', rotateAfter: 'P90D' },
      { name: 'legacy-signing', notifyOnly: true },
      { name: 'tls-wildcard', expires: '2025-03-31T00:00:00Z', rotateAfter: 'P1Y' },
    ], [
      { name: 'sql-admin-password', expires: '2030-01-31T00:00:00Z' },
      { name: 'partner-api-token', expires: '2025-03-31T00:00:00Z' },
      { name: 'smtp-relay-password' },
    ]),
  ],
  publicIpAddresses: [
    publicIp('pip-shared-firewall', 'rg-shared-hub-network', 'eastus', '52.170.4.21', frontend(SHARED, 'rg-shared-hub-network', 'azureFirewalls', 'afw-hub', 'azureFirewallIpConfigurations/ipconfig1')),
  ],
};

const scenario: Scenario = {
  tenant: { id: TENANT, displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
  apps: [
    {
      clientId: '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01',
      displayName: 'rampart-reader',
      objectId: readerSp,
      secret: 'demo-secret-value-not-real',
      subscriptions: '*',
    },
    {
      clientId: '5a9c7e23-1b4d-4f66-8e2a-7c3d9b0f1a02',
      displayName: 'rampart-limited',
      objectId: limitedSp,
      secret: 'limited-secret-value-not-real',
      subscriptions: [PROD],
    },
    {
      clientId: '8d2f4b61-9e3a-4c77-a1b5-3e6f0c2d8b03',
      displayName: 'rampart-expired',
      objectId: id('sp:rampart-expired'),
      secret: 'expired-secret-value-not-real',
      secretExpiresAt: '2024-06-30T00:00:00Z',
      subscriptions: '*',
    },
  ],
  subscriptions: [production, development, shared],
  // Access elevated by a Global Administrator during an incident and never turned off: User Access Administrator at
  // the tenant root ("/"), over every subscription.
  rootRoleAssignments: [U('it.admin', 'User Access Administrator', '', 'Elevated access (Global Administrator) during an incident')],
  roleDefinitions: [
    {
      id: custom.superuser,
      roleName: 'Contoso Ops Superuser',
      description: 'Full control for the operations team (created in an incident, never narrowed).',
      actions: ['*'],
      notActions: [],
      dataActions: [],
      notDataActions: [],
      assignableScopes: [`/subscriptions/${SHARED}`, `/subscriptions/${PROD}`],
    },
    {
      id: custom.vmOperator,
      roleName: 'Contoso VM Operator',
      description: 'Start, restart and deallocate virtual machines.',
      actions: [
        'Microsoft.Compute/virtualMachines/read',
        'Microsoft.Compute/virtualMachines/start/action',
        'Microsoft.Compute/virtualMachines/restart/action',
        'Microsoft.Compute/virtualMachines/deallocate/action',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
      ],
      notActions: [],
      dataActions: [],
      notDataActions: [],
      assignableScopes: [`/subscriptions/${PROD}`, `/subscriptions/${DEV}`],
    },
  ],
  pageSize: 100,
};

const out = resolve(process.argv[2] ?? 'test/emulator/scenarios/sample.json');
writeFileSync(out, `${JSON.stringify(scenario, null, 2)}\n`);
console.log(`wrote ${out}: ${scenario.subscriptions.length} subscriptions, ` +
  `${scenario.subscriptions.reduce((n, s) => n + (s.resourceGroups?.length ?? 0), 0)} resource groups, ` +
  `${scenario.subscriptions.reduce((n, s) => n + (s.roleAssignments?.length ?? 0), 0)} role assignments`);
