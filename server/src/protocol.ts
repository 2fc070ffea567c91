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
}

export type CredentialKind = 'secret' | 'certificate';
export type ConnectionStatus = 'active' | 'needs-credentials' | 'error' | 'never-synced';
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
  cloud: CloudConfig;
}

export interface RunSummary {
  id: string;
  connectionId: string;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  counts: { subscriptions: number; resourceGroups: number; roleAssignments: number; roleDefinitions: number; evidence: number; newEvidence: number };
  /** A message the user can act on, when the run failed. */
  error?: string;
  /** Machine-readable failure kind (see server/src/azure/errors.ts). */
  errorCode?: string;
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
  subscriptions: { id: string; name: string; state: string }[];
  recentRuns: RunSummary[];
}

export interface EvidenceTypeSummary { type: string; title: string; count: number; failing: number; unknown: number }
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
}

export type CoverageState = 'covered' | 'partial' | 'failing' | 'none';
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
}

export interface SyncParams { connectionId?: string }
export interface EvidenceRowsParams { control: string; type: string; connectionId?: string; limit?: number }
export interface CredentialParams { connectionId: string; connectionName: string; kind: CredentialKind }
export interface CredentialResult { secret?: string; certificatePem?: string }
export interface SyncProgress { runId: string; connectionId: string; connectionName: string; message: string; done: number; total: number }
export interface DaemonStatus { version: string; storePath: string; schemaVersion: number; runningSyncs: string[] }

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
  export const type = new RequestType<{ connectionId?: string }, ControlEvidenceSummary[], void>(method);
}
export namespace EvidenceRows {
  /** Client → daemon: the evidence rows of one control and type (Evidence view leaves). */
  export const method = 'rampart/evidenceRows' as const;
  export const type = new RequestType<EvidenceRowsParams, EvidenceRowView[], void>(method);
}
export namespace Coverage {
  /** Client → daemon: coverage per SOC 2 control (Control Coverage view). */
  export const method = 'rampart/coverage' as const;
  export const type = new RequestType<{ connectionId?: string }, ControlCoverage[], void>(method);
}
export namespace Status {
  /** Client → daemon: the daemon's version, store and running syncs. */
  export const method = 'rampart/status' as const;
  export const type = new RequestType0<DaemonStatus, void>(method);
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
