/**
 * The custom LSP methods between the Rampart extension (client) and the daemon (server).
 * Both sides import this module; nothing else defines a `rampart/...` method. Each message says who sends it.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** Where a connection signs in and which ARM endpoint it reads. */
export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud' | 'Custom';
export interface CloudConfig {
  name: CloudName;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com (Custom only; the others are built in). */
  authorityHost?: string;
  /** ARM endpoint, e.g. https://management.azure.com (Custom only). */
  armEndpoint?: string;
  /** A PEM file of extra certificate authorities to trust for this cloud (added to the public roots). */
  caFile?: string;
  /**
   * The VS Code authentication provider a "Microsoft account" connection signs in with (Custom only; built in:
   * `microsoft` for AzureCloud, `microsoft-sovereign-cloud` for the sovereign clouds).
   */
  authProvider?: string;
}

/**
 * How a connection signs in: a service principal's client secret or certificate, or, interactively, the user's
 * Azure CLI login (`az login`) or the Microsoft account signed in to VS Code (tokens asked from the client).
 */
export type CredentialKind = 'secret' | 'certificate' | 'azure-cli' | 'microsoft-account';
/**
 * Setup states (resumable): a new connection is a 'draft'; verification moves it to 'awaiting-permissions' (signed in,
 * reads nothing yet) or 'verified'; the first successful sync makes it 'active'. 'never-synced' is kept for older stores.
 */
export type ConnectionStatus = 'active' | 'needs-credentials' | 'error' | 'never-synced' | 'draft' | 'awaiting-permissions' | 'verified';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type EvidenceStatus = 'pass' | 'fail' | 'unknown';

/** Sent by the client (Connect command) or the CLI: a new service-principal connection. No secret in here. */
export interface NewConnection {
  name: string;
  description?: string;
  tenantId: string;
  clientId: string;
  credentialKind: CredentialKind;
  /** CLI only: the environment variable holding the client secret (default AZURE_CLIENT_SECRET). */
  secretEnv?: string;
  /** CLI only: path of a PEM file with certificate and PKCS#8 private key. */
  certificateFile?: string;
  /** Subscription ids to read; empty or absent means every subscription the principal can see. */
  subscriptions?: string[];
  /** A management group id: its subscriptions (every level below it) are listed at each sync. Not with subscriptions. */
  managementGroup?: string;
  cloud: CloudConfig;
}

export interface RunSummary {
  id: string;
  connectionId: string;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  counts: {
    subscriptions: number; resourceGroups: number; roleAssignments: number; roleDefinitions: number; evidence: number; newEvidence: number;
    /** Posture sources (absent in runs recorded before they were collected). */
    secureScores?: number; storageAccounts?: number; keyVaults?: number; vaultKeys?: number; vaultSecrets?: number; publicIps?: number;
    /** Asset additions and removals this run confirmed (scans on two different days agree). */
    assetsAdded?: number; assetsRemoved?: number;
  };
  /** A message the user can act on, when the run failed. */
  error?: string;
  /** Machine-readable failure kind (see server/src/azure/errors.ts). */
  errorCode?: string;
  /** Succeeded runs: the connection's posture grade right after the run (evidence/grade.ts), so its history shows. */
  grade?: { score: number; letter: string; /** The framework that weighted it (absent: SOC 2). */ framework?: string };
  /** Succeeded runs: what could not be read (a 403 on one posture source, naming the missing role); the rest synced. */
  warnings?: string[];
}

export interface ConnectionSummary {
  id: string;
  name: string;
  description?: string;
  tenantId: string;
  clientId: string;
  credentialKind: CredentialKind;
  cloud: CloudConfig;
  status: ConnectionStatus;
  /** The last error, for status needs-credentials or error. */
  statusDetail?: string;
  createdAt: string;
  lastSyncAt?: string;
  /** Set when the connection was revoked: it never syncs again; its history is shown greyed until pruned. */
  deletedAt?: string;
  /** When a revoked connection's history will be pruned (deletedAt + retention). */
  pruneAfter?: string;
  subscriptions: { id: string; name: string; state: string }[];
  recentRuns: RunSummary[];
  /** The management group whose subscriptions the connection reads, when it has one. */
  managementGroup?: string;
  /** The last setup verification (Resume Connection Setup), when one ran. */
  setup?: SetupReport;
  /** The organization this connection publishes its assets as, when it has one. */
  organizationId?: string;
}

/** What verification found: the principal's own role assignments, judged against what the connector needs. */
export interface SetupReport {
  checkedAt: string;
  /** The service principal's object id (the access token's oid). */
  principalObjectId?: string;
  /** Subscriptions the principal could read. */
  readableSubscriptions: number;
  /** The principal's role assignments on those subscriptions; `excess` when beyond Reader and Security Reader. */
  roles: { roleName: string; scope: string; writes: boolean; excess: boolean }[];
  /** Set when the connector holds more than it needs: names the roles and suggests the least-privilege role. */
  warning?: string;
  /** Commands to run (role assignments to create, or the least-privilege role to create). */
  commands: string[];
}

export interface EvidenceTypeSummary {
  type: string; title: string; count: number; failing: number; unknown: number;
  /** With includeRevoked: how many of `count` belong to revoked connections (history; not in failing or unknown). */
  revoked?: number;
}
export interface ControlEvidenceSummary { control: string; title: string; types: EvidenceTypeSummary[] }

export interface EvidenceRowView {
  id: string;
  connectionId: string;
  tenantId: string;
  subscriptionId?: string;
  type: string;
  subject: string;
  /** One line for a tree item or a table cell. */
  label: string;
  status: EvidenceStatus;
  reason?: string;
  observedAt: string;
  lastSeenAt: string;
  controls: string[];
  /** The row belongs to a revoked connection: history, shown greyed. */
  revoked?: boolean;
}

/** stale: some evidence for the control comes from a connection with no successful sync within the stale threshold. */
export type CoverageState = 'covered' | 'partial' | 'failing' | 'stale' | 'none';
export interface ControlCoverage {
  control: string;
  title: string;
  description: string;
  expectedTypes: string[];
  presentTypes: string[];
  passingTypes: string[];
  evidenceCount: number;
  failingCount: number;
  percent: number;
  state: CoverageState;
  /** Present types none of whose rows come from a stale connection. */
  freshTypes: string[];
  unknownCount: number;
  /** The framework the control belongs to ('soc2' or 'iso27001'). */
  framework: string;
  /** Ids of the stale connections whose evidence this control relies on. */
  staleConnections: string[];
  /** Failing rows of newly added assets still in their grace period (`rampart.gracePeriodDays`): not counted as failing. */
  inGraceCount?: number;
}

export interface SyncParams { connectionId?: string }
export interface EvidenceRowsParams {
  control: string; type: string; connectionId?: string; limit?: number; framework?: string;
  /** Also the rows of revoked connections still in their retention window (flagged `revoked`, after the live ones). */
  includeRevoked?: boolean;
}
/** Coverage and evidence-summary queries: one connection or all live ones; a framework (default 'soc2'). */
export interface CoverageParams {
  connectionId?: string; framework?: string;
  /** Evidence summary only: also count revoked connections' rows (history in their retention window; see `revoked`). */
  includeRevoked?: boolean;
}
/**
 * Daemon settings, from the client's `rampart.*` configuration. Durations: a number of days, or "36h", "2d", "90m".
 * Also accepted as initializationOptions at start.
 */
export interface DaemonSettings {
  staleAfter?: string | number; retentionDays?: number; gracePeriodDays?: number;
  /** `rampart.framework`: the framework grades are weighted by ('soc2', the default, or 'iso27001'). */
  framework?: string;
  /** `rampart.sync.schedule`: "off", "daily" (default) or "every-N-hours" (N 1-24): the daemon's scheduled syncs. */
  sync?: {
    schedule?: string;
    /**
     * `rampart.sync.resourceGraphThreshold`: above this many subscriptions a connection syncs through Azure Resource
     * Graph. A string is parsed (the CLI's RAMPART_RESOURCE_GRAPH_THRESHOLD).
     */
    resourceGraphThreshold?: number | string;
  };
}
export interface RevokeParams { connectionId: string }
export interface AuditVerifyResult {
  ok: boolean;
  rows: number;
  broken?: { index: number; id?: string; at?: string; action?: string; kind: string; message: string };
}
export interface CredentialParams {
  connectionId: string; connectionName: string; kind: CredentialKind;
  /** Where a CLI client finds the credential (the connection's secretEnv or certificateFile); editors ignore them. */
  secretEnv?: string; certificateFile?: string;
}
export interface CredentialResult { secret?: string; certificatePem?: string }
/** A token request for a 'microsoft-account' connection: the client asks VS Code's authentication provider silently. */
export interface AccessTokenParams {
  connectionId: string; connectionName: string; tenantId: string;
  /** The ARM scopes the Azure SDK asks for, e.g. https://management.azure.com/.default. */
  scopes: string[];
  /** The VS Code authentication provider id (from the connection's cloud). */
  providerId: string;
}
/** An access token (never logged) and when it expires (ms since the epoch). */
export interface AccessTokenResult { token: string; expiresOnTimestamp: number }
export interface SyncProgress { runId: string; connectionId: string; connectionName: string; message: string; done: number; total: number }
export interface ConnectorRoleParams { connectionId?: string; /** File name used in the az commands. */ file?: string }
/** The custom role JSON (`az role definition create` shape) and the steps to create and assign it. */
export interface ConnectorRoleResult { json: string; instructions: string; placeholderScope: boolean }
export interface CredentialsUpdatedParams { connectionId: string }
export interface ConnectionIdParams { connectionId: string }
export interface CreateCertificateParams { connectionId: string; /** File name of the public certificate, used in the steps. */ file?: string }
/** A new key pair and self-signed certificate: `pem` (certificate + PKCS#8 key) is for SecretStorage only. */
export interface CreateCertificateResult {
  pem: string; certificatePem: string; thumbprint: string; notAfter: string; instructions: string; connection: ConnectionSummary;
}
export interface DaemonStatus {
  version: string; storePath: string; schemaVersion: number; runningSyncs: string[];
  /** The scheduled-sync cadence ("daily", "every 6 hours", "off") and when the next scheduled sync is due. */
  schedule?: string; nextScheduledSyncAt?: string;
}

export namespace ListConnections {
  /** Client → daemon: every connection with status, subscriptions and recent runs. */
  export const method = 'rampart/listConnections' as const;
  export const type = new RequestType0<ConnectionSummary[], void>(method);
}
export namespace Connect {
  /** Client → daemon: create a connection (audited). The client syncs it right after. */
  export const method = 'rampart/connect' as const;
  export const type = new RequestType<NewConnection, ConnectionSummary, void>(method);
}
export namespace Sync {
  /** Client → daemon: sync one connection, or all when none is named. Cancellable; progress comes as SyncProgressNotification. */
  export const method = 'rampart/sync' as const;
  export const type = new RequestType<SyncParams, RunSummary[], void>(method);
}
export namespace EvidenceSummary {
  /** Client → daemon: evidence counts by control, then type (Evidence view). */
  export const method = 'rampart/evidenceSummary' as const;
  export const type = new RequestType<CoverageParams, ControlEvidenceSummary[], void>(method);
}
export namespace EvidenceRows {
  /** Client → daemon: the evidence rows of one control and type (Evidence view leaves). */
  export const method = 'rampart/evidenceRows' as const;
  export const type = new RequestType<EvidenceRowsParams, EvidenceRowView[], void>(method);
}
export namespace Coverage {
  /** Client → daemon: coverage per SOC 2 control (Control Coverage view). */
  export const method = 'rampart/coverage' as const;
  export const type = new RequestType<CoverageParams, ControlCoverage[], void>(method);
}
export namespace Revoke {
  /** Client → daemon: revoke a connection (soft delete, audited). The client then deletes its secret from SecretStorage. */
  export const method = 'rampart/revoke' as const;
  export const type = new RequestType<RevokeParams, ConnectionSummary, void>(method);
}
export namespace Configure {
  /** Client → daemon: the `rampart.*` settings changed (staleAfter, retentionDays, gracePeriodDays). */
  export const method = 'rampart/configure' as const;
  export const type = new NotificationType<DaemonSettings>(method);
}
export namespace VerifyAudit {
  /** Client → daemon: check the audit log's hash chain and anchor. */
  export const method = 'rampart/verifyAudit' as const;
  export const type = new RequestType0<AuditVerifyResult, void>(method);
}
export namespace Status {
  /** Client → daemon: the daemon's version, store and running syncs. */
  export const method = 'rampart/status' as const;
  export const type = new RequestType0<DaemonStatus, void>(method);
}
export namespace ConnectorRole {
  /** Client → daemon (Generate Least-Privilege Role for Connector): the minimal custom role for a connection's principal. */
  export const method = 'rampart/connectorRole' as const;
  export const type = new RequestType<ConnectorRoleParams, ConnectorRoleResult, void>(method);
}
export namespace CredentialsUpdated {
  /**
   * Client → daemon (Update Credentials): the user stored a new secret or certificate for a connection. The daemon
   * records a 're-auth' audit row; the connection leaves needs-credentials at its next successful sync.
   */
  export const method = 'rampart/credentialsUpdated' as const;
  export const type = new RequestType<CredentialsUpdatedParams, ConnectionSummary, void>(method);
}
export namespace VerifyConnection {
  /**
   * Client → daemon (Connect, Resume Connection Setup): sign in and read the principal's own role assignments. An
   * unfinished connection becomes verified or awaiting-permissions; the report is in `setup`.
   */
  export const method = 'rampart/verifyConnection' as const;
  export const type = new RequestType<ConnectionIdParams, ConnectionSummary, void>(method);
}
export namespace DeleteUnfinished {
  /** Client → daemon: delete a connection whose setup never finished (no successful sync); audited. */
  export const method = 'rampart/deleteUnfinished' as const;
  export const type = new RequestType<ConnectionIdParams, ConnectionSummary, void>(method);
}
export namespace CreateCertificate {
  /**
   * Client → daemon (Create Certificate Credential): a new RSA 2048 key pair and self-signed certificate for the
   * connection, whose credentialKind becomes 'certificate' (audited as re-auth). The client keeps `pem` in SecretStorage.
   */
  export const method = 'rampart/createCertificate' as const;
  export const type = new RequestType<CreateCertificateParams, CreateCertificateResult, void>(method);
}
export namespace GetCredential {
  /** Daemon → client: the secret or certificate of a connection, read from SecretStorage, kept in memory only. */
  export const method = 'rampart/getCredential' as const;
  export const type = new RequestType<CredentialParams, CredentialResult | null, void>(method);
}
export namespace SyncProgressNotification {
  /** Daemon → client: progress of a running sync, for the progress notification and the status bar. */
  export const method = 'rampart/syncProgress' as const;
  export const type = new NotificationType<SyncProgress>(method);
}
export namespace StoreChanged {
  /** Daemon → client: the store changed (connect, sync end); views refresh. */
  export const method = 'rampart/storeChanged' as const;
  export const type = new NotificationType<{ reason: string }>(method);
}

// ---- Assessments (server/src/evidence/assessments.ts) ----
/** A new assessment. Controls default to every control of the framework, connections to every live one. */
export interface NewAssessment {
  name: string;
  /** The period: YYYY-MM-DD or ISO date-time; a bare `to` date means through that day (UTC). */
  from: string; to: string;
  controls?: string[];
  /** Connection ids or names. */
  connections?: string[];
  framework?: string;
  /** Attach evidence right away (as AttachEvidence). */
  attach?: { evidenceIds?: string[]; current?: boolean };
}
/** Attach rows to a draft assessment: explicit ids, or every subject's latest observation in its scope and period. */
export interface AttachEvidenceParams { assessment: string; evidenceIds?: string[]; current?: boolean }
export interface ApproveAssessmentParams { assessment: string }
export interface AssessmentView {
  id: string; name: string; framework: string; controls: string[]; connections: string[]; from: string; to: string;
  status: 'draft' | 'approved'; createdAt: string; createdBy: string;
  /** The approver's OS user and when; the approval is also an 'assessment-approval' audit row. */
  approvedAt?: string; approvedBy?: string;
  /** SHA-256 over the attached rows' ids and fingerprints at approval. */
  digest?: string;
  evidenceIds: string[]; evidenceCount: number; failing: number; unknown: number;
}

export namespace Assessments {
  /** Client → daemon (or CLI through the core): every assessment, newest last. */
  export const method = 'rampart/assessments' as const;
  export const type = new RequestType0<AssessmentView[], void>(method);
}
export namespace CreateAssessment {
  /** Client → daemon: create a draft assessment, optionally attaching evidence. */
  export const method = 'rampart/createAssessment' as const;
  export const type = new RequestType<NewAssessment, AssessmentView, void>(method);
}
export namespace AttachAssessmentEvidence {
  /** Client → daemon: attach evidence rows to a draft assessment. */
  export const method = 'rampart/attachAssessmentEvidence' as const;
  export const type = new RequestType<AttachEvidenceParams, AssessmentView, void>(method);
}
export namespace ApproveAssessment {
  /** Client → daemon: approve an assessment (audited as 'assessment-approval'); its evidence is frozen from then on. */
  export const method = 'rampart/approveAssessment' as const;
  export const type = new RequestType<ApproveAssessmentParams, AssessmentView, void>(method);
}

// ---- Evidence export and the dashboard (server/src/export-server.ts) ----

export type ExportFormatName = 'json' | 'csv' | 'jsonl' | 'bundle' | 'oscal';
/** An export's scope: connection id or name, control id, assessment id or name, period (ISO date or date-time). */
export interface ExportScopeParams { connection?: string; control?: string; assessment?: string; from?: string; to?: string; framework?: string }
export interface ExportParams {
  format: ExportFormatName;
  scope?: ExportScopeParams;
  /** Absolute path of the file to write, on the daemon's machine; replaced only when the export completes. */
  out: string;
  /** Chosen by the client; echoed in ExportProgressNotification so a window follows its own export. */
  exportId?: string;
}
export interface ExportResultView {
  file: string; format: ExportFormatName; rows: number; bytes: number; sha256: string;
  /** CSV only: the posture grades file written beside `file` (evidence.grades.csv). */
  gradesFile?: string;
  scope: { framework: string; connections: { id: string; name: string; tenantId: string; revoked: boolean }[]; controls?: string[]; assessment?: { id: string; name: string }; from?: string; to?: string };
}
export interface ExportProgress { exportId?: string; done: number; total: number }
export interface ExportScopesResult {
  connections: { id: string; name: string; revoked: boolean }[];
  controls: { id: string; title: string }[];
  assessments: { id: string; name: string }[];
}
export interface DashboardParams { framework?: string }
/** One point of coverage over time: the state after a successful sync run. */
export interface CoveragePoint { at: string; runId: string; connectionId: string; percentCovered: number; meanPercent: number; covered: number; controls: number }
export interface DashboardData {
  framework: string;
  generatedAt: string;
  controls: { id: string; title: string; percent: number; state: CoverageState; evidenceCount: number; failing: number; unknown: number }[];
  history: CoveragePoint[];
  /** Current evidence rows by status (the store has no severity: a failing row is a finding, unknown needs review). */
  byStatus: Record<EvidenceStatus, number>;
  /** Current rows by subscription, failing and unknown counted. */
  bySubscription: { subscriptionId: string; name: string; pass: number; fail: number; unknown: number }[];
  /** Failing rows by evidence type. */
  failingByType: { type: string; fail: number; unknown: number }[];
  staleConnections: { id: string; name: string; lastSyncAt?: string }[];
  /** Current findings (failing rows) by severity (evidence/grade.ts) overall and per subscription, most severe first. */
  findings: {
    bySeverity: Record<'high' | 'medium' | 'low', number>;
    bySubscription: { subscriptionId: string; name: string; high: number; medium: number; low: number }[];
  };
}

export namespace Export {
  /**
   * Client → daemon (Export Evidence...): write one export format for a scope to `out` (audited). Cancellable: a
   * cancelled export leaves no file. Progress comes as ExportProgressNotification.
   */
  export const method = 'rampart/export' as const;
  export const type = new RequestType<ExportParams, ExportResultView, void>(method);
}
export namespace ExportProgressNotification {
  /** Daemon → client: rows written so far by a running export. */
  export const method = 'rampart/exportProgress' as const;
  export const type = new NotificationType<ExportProgress>(method);
}
export namespace ExportScopes {
  /** Client → daemon (Export Evidence...): the connections, controls and assessments a scope can name. */
  export const method = 'rampart/exportScopes' as const;
  export const type = new RequestType<DashboardParams, ExportScopesResult, void>(method);
}
export namespace Dashboard {
  /** Client → daemon (Open Dashboard): coverage per control and over time, findings, stale connections. */
  export const method = 'rampart/dashboard' as const;
  export const type = new RequestType<DashboardParams, DashboardData, void>(method);
}

export namespace EvidenceRow {
  /**
   * Client → daemon: one evidence row as stored (type, subject, data, fingerprint, controls, times), for the read-only
   * JSON document the Evidence view opens. Null when no such row exists (pruned since the view loaded).
   */
  export const method = 'rampart/evidenceRow' as const;
  export const type = new RequestType<{ id: string }, Record<string, unknown> | null, void>(method);
}

/** An organization node with the roll-up of its own and its descendants' connections (evidence/organizations.ts). */
export interface GradeDeductionView {
  evidenceId: string; finding: string; reason?: string; connectionId: string; type: string; severity: 'high' | 'medium' | 'low'; control: string; points: number;
}
export interface GradeView {
  /** The framework whose control weights the grade used ('soc2' or 'iso27001'). */
  framework: string;
  score: number; letter: string; deductions: GradeDeductionView[]; findings: number; inGrace: number; capped: number;
}
export interface OrganizationNode {
  id: string; name: string; parentId?: string; primaryDomain?: string; description?: string; visibility: 'private' | 'shared';
  /** Connections attached to this node itself. */
  connections: { id: string; name: string }[];
  /** Grade and coverage over this node's and its descendants' connections. */
  grade: GradeView;
  /** Percent of the framework's expected evidence types present, fresh and passing, averaged over controls. */
  coveragePercent: number;
  coverage: ControlCoverage[];
  /** Grades of this node's own connections' succeeded runs, oldest first (the last 20). */
  history: { runId: string; connectionId: string; at: string; score: number; letter: string }[];
  children: OrganizationNode[];
}
export namespace Organizations {
  /** Client → daemon: the organization tree, roots first, each node with its rolled-up grade and coverage. */
  export const method = 'rampart/organizations' as const;
  export const type = new RequestType<CoverageParams | undefined, OrganizationNode[], void>(method);
}

// ---- Managing organizations (server/src/core/organizations.ts, server/src/organizations-server.ts) ----
/** An organization as stored. */
export interface OrganizationView {
  id: string; name: string; parentId?: string; primaryDomain?: string; description?: string; visibility: 'private' | 'shared'; createdAt: string;
}
export interface NewOrganizationParams {
  name: string;
  /** The parent organization, by id or name; absent: a root. */
  parent?: string;
  /** The primary domain, e.g. contoso.com. */
  primaryDomain?: string;
  description?: string;
  /** Default private. */
  visibility?: 'private' | 'shared';
}
/** Fields left out stay as they are; an empty or null domain or description removes it; a null parent makes a root. */
export interface UpdateOrganizationParams {
  /** The organization to change, by id or name. */
  organization: string;
  name?: string;
  primaryDomain?: string | null;
  description?: string | null;
  visibility?: 'private' | 'shared';
  parent?: string | null;
}
export interface OrganizationParams { organization: string }
/** `organization` null detaches the connection from any organization. */
export interface AttachConnectionParams { connectionId: string; organization: string | null }
export interface AttachConnectionResult { connectionId: string; organizationId?: string }
export namespace CreateOrganization {
  /** Client → daemon (Create Organization, Connect; admins only; audited as 'organization-create'). */
  export const method = 'rampart/createOrganization' as const;
  export const type = new RequestType<NewOrganizationParams, OrganizationView, void>(method);
}
export namespace UpdateOrganization {
  /** Client → daemon (Edit Organization; admins only; audited as 'organization-update' with each change). */
  export const method = 'rampart/updateOrganization' as const;
  export const type = new RequestType<UpdateOrganizationParams, OrganizationView, void>(method);
}
export namespace DeleteOrganization {
  /** Client → daemon (Delete Organization; admins only; audited): refused while it has subsidiaries or live connections. */
  export const method = 'rampart/deleteOrganization' as const;
  export const type = new RequestType<OrganizationParams, OrganizationView, void>(method);
}
export namespace AttachConnection {
  /** Client → daemon (Move Connection to Organization, Connect; admins only; audited as 'organization-attach'). */
  export const method = 'rampart/attachConnection' as const;
  export const type = new RequestType<AttachConnectionParams, AttachConnectionResult, void>(method);
}

// ---- Roles (server/src/core/roles.ts, server/src/roles-server.ts) ----
/** Admins change connections, approve assessments and set roles; viewers (and users in neither list) read and export. */
export type StoreRole = 'admin' | 'viewer';
/** Who the daemon acts as and what that user may do. */
export interface RolesView {
  /** The OS user the daemon runs as (every request acts as this user). */
  user: string;
  role: StoreRole;
  admins: string[];
  viewers: string[];
}
/** 'none' removes the user from both lists, which leaves them a viewer. */
export interface SetRoleParams { user: string; role: StoreRole | 'none' }
export namespace Roles {
  /** Client → daemon: who am I, my role, and the admin and viewer lists (the client sets `rampart.isAdmin` from it). */
  export const method = 'rampart/roles' as const;
  export const type = new RequestType0<RolesView, void>(method);
}
export namespace SetRole {
  /** Client → daemon (admins only; audited as 'role-change'): make a user an admin, a viewer, or neither. */
  export const method = 'rampart/setRole' as const;
  export const type = new RequestType<SetRoleParams, RolesView, void>(method);
}
export namespace GetAccessToken {
  /**
   * Daemon → client: an access token of the VS Code session for a 'microsoft-account' connection, asked silently
   * (no sign-in prompt: a scheduled sync may run with nobody at the window). null when VS Code has no such session.
   */
  export const method = 'rampart/getAccessToken' as const;
  export const type = new RequestType<AccessTokenParams, AccessTokenResult | null, void>(method);
}

export namespace ShutdownDaemon {
  /**
   * Client → daemon (Restart Daemon): the shared daemon exits once it answered, releasing the store's lock; every
   * window then reconnects to a fresh daemon, which reads the store again. Refused by a daemon that serves one client.
   */
  export const method = 'rampart/shutdownDaemon' as const;
  export const type = new RequestType0<void, void>(method);
}
