/**
 * The shared model of the least-privilege analyzer: every reader (role-definition JSON, ARM templates, Bicep) turns a
 * file into located values, and the rules judge those without knowing which format they came from.
 * Positions are LSP positions: 0-based line and UTF-16 character.
 */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** A JSON-like value with the source range it came from. `unknown` is a value not known statically. */
export type LocatedValue =
  | { kind: 'string'; value: string; range: Range }
  | { kind: 'number'; value: number; range: Range }
  | { kind: 'boolean'; value: boolean; range: Range }
  | { kind: 'null'; range: Range }
  | { kind: 'array'; items: LocatedValue[]; range: Range }
  | { kind: 'object'; properties: LocatedProperty[]; range: Range }
  /**
   * A runtime value (guid(), a parameter without default, a reference): `text` is its source, for messages.
   * `symbolic`, when set, is the string it builds with the known parts evaluated and the runtime ones as `{source}`
   * (e.g. `/subscriptions/{subId}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-…` for a resource id
   * whose subscription is a parameter and whose role GUID comes from a variable).
   */
  | { kind: 'unknown'; text: string; range: Range; symbolic?: string };

export interface LocatedProperty { key: string; keyRange: Range; value: LocatedValue }

export interface SyntaxProblem { message: string; range: Range }

/** One resource declaration (ARM template resource, Bicep `resource`), with its body evaluated as far as known. */
export interface ResourceDecl {
  /** e.g. Microsoft.Authorization/roleDefinitions (nested/child types already joined with their parent's). */
  type: string;
  apiVersion?: string;
  typeRange: Range;
  /** The resource object: { name, properties, ... }. */
  body: LocatedValue;
  range: Range;
  /**
   * Only a reference to a resource deployed elsewhere (Bicep `existing`, ARM languageVersion 2.0 `"existing": true`):
   * the file does not deploy it, so rules on what is deployed skip it.
   */
  existing?: boolean;
}

export type IacFormat = 'role-json' | 'arm' | 'bicep';

export interface ParsedIacFile {
  format: IacFormat;
  /** Resources found (ARM and Bicep). */
  resources: ResourceDecl[];
  /** Role definitions given directly (role-definition JSON: az shape or REST shape, one or many). */
  roleDefinitions: LocatedValue[];
  problems: SyntaxProblem[];
  /** `// rampart-disable-next-line RP001 RP002` (Bicep): the line the comment applies to (0-based), and its rules. */
  suppressions: { line: number; rules: string[] }[];
  /**
   * Where the file deploys (ARM: from the $schema; Bicep: `targetScope`, default resourceGroup). Optional so that
   * readers that do not know it stay valid: role-assignment scope rules then judge only an explicit `scope`.
   */
  targetScope?: DeploymentScope;
}

export type DeploymentScope = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';
