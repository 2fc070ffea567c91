/**
 * What every rule sees and produces. Rules read format-independent views (a role definition's permission lists, a
 * role assignment's fields) built once per file by ../views.ts, and report findings on exact source ranges.
 */
import type { LocatedProperty, LocatedValue, ParsedIacFile, Range, ResourceDecl } from '../model';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RuleMeta {
  /** Stable id (RP001): never reused for another meaning. */
  id: string;
  /** kebab-case name, shown next to the id. */
  name: string;
  severity: Severity;
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters. */
  explanation: string;
  /** How to fix it. */
  fix: string;
}

/** What a quick fix needs, without the editor: the daemon turns this into edits. */
export interface FindingData {
  /** Replace the element with these strings (e.g. the operations a wildcard grants, read-only first). */
  replacements?: string[];
  /** The element can simply be removed (a redundant entry). */
  remove?: boolean;
  /** A single corrected value (a typo's nearest catalog operation, a trimmed string). */
  suggestion?: string;
  /**
   * An assignable scope to narrow (a management group, the root): the editor offers the synced subscriptions, or a
   * /subscriptions/{subscriptionId} placeholder.
   */
  narrowScope?: boolean;
  /** A property to add to the object at the range (e.g. principalType). */
  addProperty?: { key: string; values: string[] };
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  data?: FindingData;
}

/** One string-or-unknown entry of a list (Actions, AssignableScopes...). */
export interface Entry { text: string; range: Range; node: LocatedValue }

/** A list property: the property itself (for list-level findings) and its string entries (unknown ones skipped). */
export interface ListView { prop: LocatedProperty; entries: Entry[] }

export interface PermissionBlock {
  actions?: ListView;
  notActions?: ListView;
  dataActions?: ListView;
  notDataActions?: ListView;
}

export interface RoleView {
  node: LocatedValue;
  name?: string;
  /** Where role-level findings go: the name, else the start of the definition. */
  anchor: Range;
  blocks: PermissionBlock[];
  assignableScopes?: ListView;
}

export interface AssignmentView {
  resource: ResourceDecl;
  roleDefinitionId?: LocatedValue;
  principalType?: LocatedValue;
  /** The `properties` property (where principalType is added). */
  properties?: LocatedProperty;
  scope?: LocatedValue;
}

/**
 * A role definition as a synced tenant holds it (core/synced-tenant.ts builds these from the store), for RP030: the
 * lint itself never reads the store.
 */
export interface TenantRole {
  /** The definition's GUID, lower case. */
  guid: string;
  roleName: string;
  /** Where it was synced from (the connection's name), for the message. */
  source: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** Distinct principals the definition is assigned to in the tenant. */
  principals: number;
}

export interface LintContext {
  file: ParsedIacFile;
  /** Role definitions of the synced tenants, when a connection is known (the daemon, `rampart lint --connection`). */
  tenantRoles?: readonly TenantRole[];
  roles: RoleView[];
  assignments: AssignmentView[];
  /** The resources of a type (any case) that the file deploys: `existing` references are left out. */
  resourcesOfType(type: string): ResourceDecl[];
  report(meta: RuleMeta, range: Range, message: string, data?: FindingData, severity?: Severity): void;
}

/** A rule family file exports a list of these. */
export interface Rule {
  meta: RuleMeta;
  check(ctx: LintContext): void;
}
