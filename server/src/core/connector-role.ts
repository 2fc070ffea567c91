/**
 * The least-privilege custom role for a connector: exactly the read operations the collectors call (see
 * sync/operations.ts), each checked against the operation catalog, in the shape `az role definition create
 * --role-definition @FILE` takes. AssignableScopes are the connection's subscriptions, or a placeholder to replace.
 */
import { lookup } from '../lint/catalog';
import { collectorOperations } from '../sync/operations';

export interface CustomRoleDefinition {
  Name: string;
  IsCustom: true;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

export interface ConnectorRole {
  role: CustomRoleDefinition;
  /** The role as the file to write (2-space JSON and a newline). */
  json: string;
  /** What to do with it, az commands included. */
  instructions: string;
  /** True when AssignableScopes is the placeholder. */
  placeholderScope: boolean;
}

export const ROLE_NAME = 'Rampart Connector Reader';
export const PLACEHOLDER_SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000000';

export class UnknownOperationError extends Error {}

export function managementGroupScope(groupId: string): string {
  return `/providers/Microsoft.Management/managementGroups/${groupId}`;
}

/** The operations, each as the catalog spells it; an operation missing from the catalog is a bug here. */
export function connectorOperations(options: { managementGroup?: boolean } = {}): string[] {
  return collectorOperations(options).map((op) => {
    const found = lookup(op).find((o) => o.kind === 'action');
    if (!found) throw new UnknownOperationError(`The collectors need '${op}', which is not in the operation catalog.`);
    return found.name;
  });
}

export function connectorRole(input: { connectionName?: string; clientId?: string; subscriptions?: string[]; managementGroup?: string; file?: string } = {}): ConnectorRole {
  const subs = [...new Set(input.subscriptions ?? [])].sort();
  const placeholderScope = subs.length === 0 && !input.managementGroup;
  const scopes = input.managementGroup ? [managementGroupScope(input.managementGroup)]
    : placeholderScope ? [PLACEHOLDER_SCOPE] : subs.map((s) => `/subscriptions/${s}`);
  const role: CustomRoleDefinition = {
    Name: ROLE_NAME,
    IsCustom: true,
    Description: 'Read-only access for Rampart posture sync: subscriptions, resource groups, role assignments and definitions, '
      + 'Defender for Cloud secure score, storage accounts, Key Vault (management plane: key and secret metadata, never values), public IPs.',
    Actions: connectorOperations({ managementGroup: !!input.managementGroup }),
    NotActions: [],
    DataActions: [],
    NotDataActions: [],
    AssignableScopes: scopes,
  };
  const file = input.file ?? 'rampart-connector-role.json';
  const assignee = input.clientId ?? '<client-id>';
  const lines = [
    `Least-privilege role for ${input.connectionName ? `connection '${input.connectionName}'` : 'a Rampart connector'}: ${role.Actions.length} read operations, nothing else.`,
    placeholderScope
      ? `AssignableScopes holds a placeholder: replace ${PLACEHOLDER_SCOPE} with the subscriptions the connector reads (or a management group).`
      : `AssignableScopes: ${scopes.join(', ')}.`,
    '',
    'Create the role, then assign it to the connector instead of Reader and Security Reader:',
    `  az role definition create --role-definition @${file}`,
    ...scopes.map((s) => `  az role assignment create --assignee ${assignee} --role "${ROLE_NAME}" --scope ${s}`),
    '',
    'Then remove broader assignments the connector no longer needs, e.g.:',
    `  az role assignment delete --assignee ${assignee} --role Reader --scope ${scopes[0]}`,
    'Role assignments can take up to 10 minutes to apply; sync again after that.',
  ];
  return { role, json: JSON.stringify(role, null, 2) + '\n', instructions: lines.join('\n'), placeholderScope };
}
