/**
 * The shape of the store file (rampart.json). Every row that comes from Azure carries its connection and tenant,
 * so no query mixes connections unless it asks to. Bump SCHEMA_VERSION and add a migration in migrations.ts
 * whenever this shape changes.
 */
import type { CloudConfig, ConnectionStatus, CredentialKind, EvidenceStatus, RunStatus } from '../protocol';

export const SCHEMA_VERSION = 1;

export interface ConnectionRecord {
  id: string;
  name: string;
  description?: string;
  tenantId: string;
  clientId: string;
  credentialKind: CredentialKind;
  /** CLI connections: the environment variable that holds the secret (never the secret itself). */
  secretEnv?: string;
  /** CLI connections: path of the PEM file with certificate and private key. */
  certificateFile?: string;
  /** Configured subscription ids; empty means every subscription the principal can see. */
  subscriptions: string[];
  cloud: CloudConfig;
  createdAt: string;
  status: ConnectionStatus;
  statusDetail?: string;
  lastSyncAt?: string;
}

export interface RunRecord {
  id: string;
  connectionId: string;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  counts: { subscriptions: number; resourceGroups: number; roleAssignments: number; roleDefinitions: number; evidence: number; newEvidence: number };
  error?: string;
  errorCode?: string;
}

interface Owned { connectionId: string; tenantId: string }

export interface SubscriptionRecord extends Owned { id: string; subscriptionId: string; name: string; state: string }
export interface ResourceGroupRecord extends Owned {
  id: string; subscriptionId: string; name: string; location: string; tags: Record<string, string>;
}
export interface RoleAssignmentRecord extends Owned {
  id: string; subscriptionId: string; principalId: string; principalType: string;
  roleDefinitionId: string; roleName: string; scope: string; description?: string;
}
export interface RoleDefinitionRecord extends Owned {
  id: string; subscriptionId: string; name: string; roleName: string; roleType: string;
  actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[]; assignableScopes: string[];
}

export interface Inventory {
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  roleAssignments: RoleAssignmentRecord[];
  roleDefinitions: RoleDefinitionRecord[];
}

export interface EvidenceRecord extends Owned {
  id: string;
  subscriptionId?: string;
  type: string;
  subject: string;
  observedAt: string;
  lastSeenAt: string;
  status: EvidenceStatus;
  reason?: string;
  controls: string[];
  data: Record<string, unknown>;
  /** SHA-256 over the canonical form of type, subject and data: an unchanged observation keeps its row. */
  fingerprint: string;
  runId: string;
}

export type AuditAction = 'connect' | 'sync' | 'sync-failure';
export interface AuditRecord {
  id: string;
  at: string;
  user: string;
  action: AuditAction;
  connectionId?: string;
  details: Record<string, unknown>;
  /** SHA-256 of the previous row's canonical form ('' for the first row): the log proves it was not edited. */
  prevHash: string;
}

export interface StoreData {
  schemaVersion: number;
  connections: ConnectionRecord[];
  runs: RunRecord[];
  inventory: Inventory;
  evidence: EvidenceRecord[];
  audit: AuditRecord[];
}

export function emptyStore(): StoreData {
  return {
    schemaVersion: SCHEMA_VERSION,
    connections: [],
    runs: [],
    inventory: { subscriptions: [], resourceGroups: [], roleAssignments: [], roleDefinitions: [] },
    evidence: [],
    audit: [],
  };
}
