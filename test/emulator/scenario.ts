/**
 * The emulator's scenario format: one JSON file describes a tenant, its app registrations and its subscriptions.
 * Documented for users in test/emulator/README.md. Everything optional has a default.
 */
export interface Scenario {
  tenant: { id: string; displayName?: string; defaultDomain?: string };
  apps: ScenarioApp[];
  subscriptions: ScenarioSubscription[];
  /** Custom role definitions visible at every subscription (built-in roles are always served). */
  roleDefinitions?: ScenarioRoleDefinition[];
  /** Items per page on every list route (nextLink paging); default 100. */
  pageSize?: number;
  /**
   * Canned ARM answers, checked before the route table (after the token check): a GET whose normalized path equals
   * `path` (case-insensitive, no query) gets `body`; a body with a `value` array is paged like any list, and its
   * own nextLink dropped. Used to serve official example payloads verbatim.
   */
  responses?: { path: string; body: unknown }[];
  /**
   * ARM read limits: a token bucket per subscription (and one for tenant-level requests) holding `burst` reads,
   * refilled by `refillPerSecond`. Answers carry x-ms-ratelimit-remaining-subscription-reads (-tenant-reads); an
   * empty bucket answers 429 TooManyRequests with Retry-After, or without it when `retryAfter` is false.
   */
  throttle?: { burst: number; refillPerSecond: number; retryAfter?: boolean };
  /**
   * Resource Graph's per-user quota: `queries` requests (pages included) per app per fixed `windowSeconds` window.
   * Answers carry x-ms-user-quota-remaining and x-ms-user-quota-resets-after; over quota answers 429 RateLimiting
   * (with Retry-After only when `retryAfter` is true). Absent: no quota and no quota headers.
   */
  resourceGraphQuota?: { queries: number; windowSeconds: number; retryAfter?: boolean };
  /** Management groups: each names its parent (none: under the tenant root) and the subscriptions directly in it. */
  managementGroups?: ScenarioManagementGroup[];
  /**
   * Role assignments at the tenant root, scope "/" (their `scope` is ignored; a Global Administrator who elevates
   * access gets User Access Administrator there): inherited by every subscription, listed as management groups' are.
   */
  rootRoleAssignments?: ScenarioRoleAssignment[];
}

export interface ScenarioManagementGroup {
  id: string;
  displayName?: string;
  parent?: string;
  subscriptions?: string[];
  /**
   * Role assignments made at the group (their `scope` is ignored): inherited by every subscription below it, listed
   * in each one's role assignments with the group's scope; in Resource Graph only with authorizationScopeFilter
   * AtScopeAndAbove or AtScopeAboveAndBelow.
   */
  roleAssignments?: ScenarioRoleAssignment[];
}

export interface ScenarioApp {
  clientId: string;
  displayName?: string;
  /** Object id of the app's service principal (used in role assignments). */
  objectId?: string;
  /** Accepted client secret. */
  secret?: string;
  /** ISO date after which the secret is rejected with AADSTS7000222. */
  secretExpiresAt?: string;
  /** PEM certificate whose key may sign client assertions (or a path relative to the scenario file). */
  certificate?: string;
  /** Subscription ids this app may read; "*" or absent means all. Others answer 403 AuthorizationFailed. */
  subscriptions?: string[] | '*';
  /**
   * Management groups whose descendants this app may list; "*" means all. Absent: all when the app reads every
   * subscription, none otherwise.
   */
  managementGroups?: string[] | '*';
}

export interface ScenarioSubscription {
  id: string;
  displayName: string;
  state?: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  /** Subscription tags, served as `tags` on the subscription object. */
  tags?: Record<string, string>;
  resourceGroups?: { name: string; location: string; tags?: Record<string, string> }[];
  roleAssignments?: ScenarioRoleAssignment[];
  /** Microsoft.Security/secureScores items in wire shape (`{name, properties: {displayName, score, weight}}`). */
  secureScores?: ScenarioWire[];
  /** Microsoft.Security/secureScoreControls items in wire shape (`{name, properties: {displayName, score, ...}}`). */
  secureScoreControls?: ScenarioWire[];
  /** Microsoft.Storage/storageAccounts: `properties` served as given, so a field left out is absent on the wire. */
  storageAccounts?: ScenarioResource[];
  /** Microsoft.KeyVault/vaults with their keys and secrets (management plane). */
  keyVaults?: ScenarioVault[];
  /** Microsoft.Network/publicIPAddresses. */
  publicIpAddresses?: ScenarioResource[];
}

/** An ARM item in wire shape; the emulator fills in `id` and `type` and serves every other field unchanged. */
export interface ScenarioWire { name: string; properties?: Record<string, unknown>; [field: string]: unknown }

/** A resource in a resource group (which must exist in the subscription). `resourceGroup` itself is not served. */
export interface ScenarioResource extends ScenarioWire { resourceGroup: string; location?: string }

export interface ScenarioVault extends ScenarioResource {
  /** Keys in wire shape: `{name, properties: {attributes: {exp, ...}, rotationPolicy, ...}}` (`exp` in epoch seconds). */
  keys?: ScenarioWire[];
  /** Secrets in wire shape: `{name, properties: {attributes: {exp, ...}}}`. */
  secrets?: ScenarioWire[];
}

export interface ScenarioRoleAssignment {
  /** GUID name of the assignment; generated deterministically when absent. */
  name?: string;
  principalId: string;
  principalType?: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  /** Role name (built-in or from roleDefinitions) or role definition GUID. */
  role: string;
  /** Scope relative to the subscription: "" for the subscription, "resourceGroups/rg1" for a group. */
  scope?: string;
  description?: string;
  /** ISO timestamp served as createdOn/updatedOn; default 2024-01-15T09:30:00Z. */
  createdOn?: string;
  /** Object id served as createdBy/updatedBy; default none (null). */
  createdBy?: string;
  /** ABAC condition served as properties.condition; default null. */
  condition?: string;
}

export interface ScenarioRoleDefinition {
  id: string;
  roleName: string;
  description?: string;
  actions: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
  assignableScopes: string[];
}

/** A fault injected on routes whose path matches `route` (a RegExp source, case-insensitive). */
export interface Fault {
  route: string;
  /** Only requests carrying this method (default any). */
  method?: string;
  /** Apply to the Nth matching request onward (1-based, default 1) ... */
  from?: number;
  /** ... for this many requests (default unlimited). */
  times?: number;
  /** Answer this HTTP status with an ARM error body. */
  status?: number;
  /** Retry-After header value in seconds, with status. */
  retryAfter?: number;
  /** Added latency in milliseconds before answering (also without a status: a slow but correct answer). */
  latencyMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /** Answer 403 AuthorizationFailed, as ARM does for a principal without Reader. */
  forbidden?: boolean;
  /** Extra response headers (e.g. x-ms-ratelimit-remaining-subscription-reads); alone, on a correct answer. */
  headers?: Record<string, string>;
}

/** One request the emulator saw, for tests to assert on. Secrets and assertions are never logged. */
export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  clientId?: string;
  fault?: string;
}
