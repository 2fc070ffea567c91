/**
 * Every Azure SDK call the collectors (collect.ts, collect-posture.ts) make, with the ARM operation it needs. The
 * least-privilege connector role is built from this list alone: a collector that calls something new adds it here,
 * and the role test fails if a route the emulator served during a full sync is not covered.
 */
export interface CollectorCall {
  /** Client and method, as called in the collectors. */
  call: string;
  /** The ARM operation (as in role definitions' Actions) the call needs. */
  operation: string;
  /** Needed only by connections scoped to a management group. */
  managementGroupOnly?: boolean;
}

export const COLLECTOR_CALLS: readonly CollectorCall[] = [
  { call: 'SubscriptionClient.subscriptions.list', operation: 'Microsoft.Resources/subscriptions/read' },
  { call: 'SubscriptionClient.subscriptions.get', operation: 'Microsoft.Resources/subscriptions/read' },
  { call: 'ResourceManagementClient.resourceGroups.list', operation: 'Microsoft.Resources/subscriptions/resourceGroups/read' },
  { call: 'AuthorizationManagementClient.roleDefinitions.list', operation: 'Microsoft.Authorization/roleDefinitions/read' },
  { call: 'AuthorizationManagementClient.roleAssignments.listForSubscription', operation: 'Microsoft.Authorization/roleAssignments/read' },
  { call: 'SecurityCenter.secureScores.list', operation: 'Microsoft.Security/secureScores/read' },
  { call: 'SecurityCenter.secureScoreControls.list', operation: 'Microsoft.Security/secureScoreControls/read' },
  { call: 'StorageManagementClient.storageAccounts.list', operation: 'Microsoft.Storage/storageAccounts/read' },
  { call: 'KeyVaultManagementClient.vaults.listBySubscription', operation: 'Microsoft.KeyVault/vaults/read' },
  { call: 'KeyVaultManagementClient.keys.list', operation: 'Microsoft.KeyVault/vaults/keys/read' },
  { call: 'KeyVaultManagementClient.secrets.list', operation: 'Microsoft.KeyVault/vaults/secrets/read' },
  { call: 'NetworkManagementClient.publicIPAddresses.listAll', operation: 'Microsoft.Network/publicIPAddresses/read' },
  // Connections above the Resource Graph threshold (resource-graph.ts); each row still needs the read above it.
  { call: 'ResourceGraphClient.resources', operation: 'Microsoft.ResourceGraph/resources/read' },
  // Connections scoped to a management group only; granted at the management group (a role assigned there).
  { call: 'ManagementGroupsAPI.managementGroups.listDescendants', operation: 'Microsoft.Management/managementGroups/descendants/read', managementGroupOnly: true },
];

/** The distinct operations, sorted; those of management-group connections only when asked. */
export function collectorOperations(options: { managementGroup?: boolean } = {}): string[] {
  return [...new Set(COLLECTOR_CALLS.filter((c) => options.managementGroup || !c.managementGroupOnly).map((c) => c.operation))].sort();
}
