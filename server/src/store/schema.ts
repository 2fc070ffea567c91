/**
 * The shape of the store (rampart.json and, from schema 4, its segment files: segmented-file.ts). Every row that comes from Azure carries its connection and tenant,
 * so no query mixes connections unless it asks to. Bump SCHEMA_VERSION and add a migration in migrations.ts
 * whenever this shape changes.
 */
import type { ConnectionStatus, EvidenceStatus, NewConnection, RunSummary, SetupReport } from '../protocol';

export const SCHEMA_VERSION = 4;

/**
 * A connection as stored: what was asked for at connect (protocol.NewConnection: name, tenant, client, credential
 * kind, the CLI's secret variable or certificate file, cloud, management group — never a secret), plus its state.
 */
export interface ConnectionRecord extends Omit<NewConnection, 'subscriptions'> {
  id: string;
  /** Configured subscription ids; empty means every subscription the principal can see. */
  subscriptions: string[];
  createdAt: string;
  status: ConnectionStatus;
  statusDetail?: string;
  lastSyncAt?: string;
  /** Set by revoke: the connection never syncs again; its history is kept until the retention window ends. */
  deletedAt?: string;
  /** The last setup verification's report. */
  setup?: SetupReport;
  /**
   * Set by prune when the revoked connection's evidence backs an approved assessment: runs, inventory and unapproved
   * evidence are gone, the connection and its approved rows are kept.
   */
  prunedAt?: string;
  /** The organization (organizations table) this connection publishes its assets as; absent: none. */
  organizationId?: string;
}

/** A node of the organization tree (evidence/organizations.ts); a parent's posture rolls up its children's. */
export interface OrganizationRecord {
  id: string;
  name: string;
  parentId?: string;
  /** The primary domain, e.g. contoso.com. */
  primaryDomain?: string;
  description?: string;
  visibility: 'private' | 'shared';
  createdAt: string;
}

/** A run as stored is exactly what clients are told about it (protocol.RunSummary). */
export type RunRecord = RunSummary;

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
  secureScores: SecureScoreRecord[];
  storageAccounts: StorageAccountRecord[];
  keyVaults: KeyVaultRecord[];
  vaultKeys: VaultKeyRecord[];
  vaultSecrets: VaultSecretRecord[];
  publicIps: PublicIpRecord[];
}

/**
 * Posture records. A field the API did not return is left undefined (never defaulted): the evidence engine turns it
 * into "unknown", so a missing value can never pass a check.
 */
export interface ScoreFigures { current?: number; max?: number; percentage?: number }
export interface SecureScoreRecord extends Owned, ScoreFigures {
  id: string; subscriptionId: string; name: string; displayName?: string; weight?: number;
  controls: (ScoreFigures & { id: string; name: string; displayName?: string; healthy?: number; unhealthy?: number; notApplicable?: number; weight?: number })[];
}
export interface StorageAccountRecord extends Owned {
  id: string; subscriptionId: string; name: string; resourceGroup: string; location?: string;
  allowBlobPublicAccess?: boolean; publicNetworkAccess?: string; networkDefaultAction?: string;
  minimumTlsVersion?: string; httpsOnly?: boolean; allowSharedKeyAccess?: boolean;
}
export interface KeyVaultRecord extends Owned {
  id: string; subscriptionId: string; name: string; resourceGroup: string; location?: string;
  enablePurgeProtection?: boolean; enableSoftDelete?: boolean; enableRbacAuthorization?: boolean;
  publicNetworkAccess?: string; networkDefaultAction?: string;
}
export interface KeyRotation { rotateAfter?: string; rotateBeforeExpiry?: string; notifyBeforeExpiry?: string; expiryTime?: string }
export interface VaultKeyRecord extends Owned {
  id: string; subscriptionId: string; vaultId: string; name: string;
  /** Whether the API returned the key's attributes at all (without them, expiry is unknown rather than "none"). */
  attributesReturned: boolean; enabled?: boolean; expires?: string;
  /** undefined: the API returned no rotation policy for the key. */
  rotation?: KeyRotation;
}
export interface VaultSecretRecord extends Owned {
  id: string; subscriptionId: string; vaultId: string; name: string;
  attributesReturned: boolean; enabled?: boolean; expires?: string;
}
export interface PublicIpRecord extends Owned {
  id: string; subscriptionId: string; name: string; resourceGroup: string; location?: string;
  ipAddress?: string; allocation?: string; version?: string; sku?: string;
  /** The resource the address is attached to (NIC, load balancer, gateway...), from its ipConfiguration or NAT gateway. */
  attachedTo?: string;
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

/**
 * An assessment: a named period over some controls and connections, with the evidence rows attached to it. Once
 * approved, its rows are frozen: syncs never change them (a new observation becomes a new row) and prune never
 * removes them. Field names are those the exporter reads (export/source.ts): id, name, controls, connections, from, to.
 */
export interface AssessmentRecord {
  id: string;
  name: string;
  framework: string;
  controls: string[];
  /** Connection ids the assessment covers. */
  connections: string[];
  /** The period, ISO instants (inclusive). */
  from: string;
  to: string;
  createdAt: string;
  createdBy: string;
  status: 'draft' | 'approved';
  evidenceIds: string[];
  approvedAt?: string;
  approvedBy?: string;
  /** SHA-256 over the attached rows' ids and fingerprints at approval. */
  digest?: string;
}

export type AssetKind = 'public-ip' | 'storage-account' | 'key-vault';
/**
 * An asset as successive scans saw it. A change counts only when scans on two different days agree: a new asset is
 * 'pending-add' until a scan on a later day still sees it, a vanished one 'pending-remove' until a later day's scan
 * still misses it.
 */
export interface AssetRecord extends Owned {
  /** The ARM id, lower case. */
  id: string;
  kind: AssetKind;
  state: 'pending-add' | 'present' | 'pending-remove' | 'removed';
  firstSeenAt: string;
  lastSeenAt: string;
  /** When the pending change was first observed. */
  pendingSince?: string;
  /** When the addition was confirmed; undefined for assets present at the connection's first sync (baseline). */
  addedAt?: string;
  removedAt?: string;
}

export type AuditAction = 'connect' | 'sync' | 'sync-failure' | 're-auth' | 'revoke' | 'prune' | 'export' | 'assessment-approval' | 'permission-denied' | 'role-change'
  | 'organization-create' | 'organization-update' | 'organization-delete' | 'organization-attach';
export interface AuditRecord {
  id: string;
  at: string;
  user: string;
  action: AuditAction;
  connectionId?: string;
  details: Record<string, unknown>;
  /** SHA-256 of the previous row's canonical form ('' for the first row): the log proves it was not edited. */
  prevHash: string;
  /** Position in the log, 0-based (rows written before schema 2 have none): tells a deleted row from an edited one. */
  seq?: number;
}

/** Written with every audit append, in the same atomic store write: lets `verify` notice a truncated tail. */
export interface AuditAnchor { count: number; headHash: string }

export interface StoreMeta { auditAnchor?: AuditAnchor }

export interface StoreData {
  schemaVersion: number;
  connections: ConnectionRecord[];
  runs: RunRecord[];
  inventory: Inventory;
  evidence: EvidenceRecord[];
  audit: AuditRecord[];
  meta: StoreMeta;
  assessments: AssessmentRecord[];
  assets: AssetRecord[];
  /** Optional (added without a schema bump): absent means no organizations. */
  organizations?: OrganizationRecord[];
  /**
   * Who may change what (core/roles.ts), by OS user name. Optional, added without a schema bump: absent means the
   * store was created before roles (or is new), and the first user who opens it becomes its only admin. A user in
   * neither list is a viewer.
   */
  roles?: StoreRoles;
}

/** Admins add, resume, delete, revoke and re-credential connections, approve assessments and set roles; viewers read and export. */
export interface StoreRoles { admins: string[]; viewers: string[] }

export function emptyStore(): StoreData {
  return {
    schemaVersion: SCHEMA_VERSION,
    connections: [],
    runs: [],
    inventory: emptyInventory(),
    evidence: [],
    audit: [],
    meta: {},
    assessments: [],
    assets: [],
  };
}

export function emptyInventory(): Inventory {
  return {
    subscriptions: [], resourceGroups: [], roleAssignments: [], roleDefinitions: [],
    secureScores: [], storageAccounts: [], keyVaults: [], vaultKeys: [], vaultSecrets: [], publicIps: [],
  };
}
