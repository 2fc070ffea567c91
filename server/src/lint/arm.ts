/**
 * Readers that turn parsed JSON into the shared model: ARM templates (resources, nested children, expressions
 * evaluated where known) and role-definition JSON (az shape or REST shape, one or many).
 */
import { ArmScope } from './arm-expr';
import { get, prop } from './json';
import type { DeploymentScope, LocatedValue, ParsedIacFile, ResourceDecl, SyntaxProblem } from './model';

/** Whether a parsed JSON document is an ARM template (its $schema names a deployment template). */
export function isArmTemplate(root: LocatedValue | undefined): boolean {
  const schema = get(root, '$schema');
  return schema?.kind === 'string' && /deploymenttemplate/i.test(schema.value);
}

/** Whether a parsed JSON document looks like one or more role definitions. */
export function isRoleJson(root: LocatedValue | undefined): boolean {
  const one = (v: LocatedValue | undefined): boolean =>
    v?.kind === 'object' && !!(prop(v, 'actions') || prop(v, 'dataActions') || prop(v, 'permissions') || get(v, 'properties.permissions') || get(v, 'properties.roleName'));
  if (root?.kind === 'array') return root.items.some(one);
  const list = get(root, 'value');
  if (list?.kind === 'array') return list.items.some(one);
  return one(root);
}

/** Reads role-definition JSON: a single definition, an array of them, or a REST list response `{ value: [...] }`. */
export function readRoleJson(root: LocatedValue | undefined, problems: SyntaxProblem[]): ParsedIacFile {
  let defs: LocatedValue[] = [];
  if (root?.kind === 'array') defs = root.items;
  else if (get(root, 'value')?.kind === 'array' && !prop(root, 'actions')) defs = (get(root, 'value') as { items: LocatedValue[] }).items;
  else if (root) defs = [root];
  return { format: 'role-json', resources: [], roleDefinitions: defs.filter((d) => d.kind === 'object'), problems, suppressions: [] };
}

/** Reads an ARM template: every resource (children joined to their parent's type), with expressions evaluated. */
export function readArmTemplate(root: LocatedValue | undefined, problems: SyntaxProblem[]): ParsedIacFile {
  const resources: ResourceDecl[] = [];
  const schema = get(root, '$schema');
  const targetScope = schemaScope(schema?.kind === 'string' ? schema.value : '');
  collect(root, new ArmScope(get(root, 'parameters'), get(root, 'variables')), undefined, resources, 0);
  return { format: 'arm', resources, roleDefinitions: [], problems, suppressions: [], targetScope };
}

function schemaScope(schema: string): DeploymentScope {
  const s = schema.toLowerCase();
  if (s.includes('subscriptiondeploymenttemplate')) return 'subscription';
  if (s.includes('managementgroupdeploymenttemplate')) return 'managementGroup';
  if (s.includes('tenantdeploymenttemplate')) return 'tenant';
  return 'resourceGroup';
}

function collect(template: LocatedValue | undefined, scope: ArmScope, parentType: string | undefined, out: ResourceDecl[], depth: number): void {
  const list = get(template, 'resources');
  // languageVersion 2.0 templates key resources by symbolic name instead of listing them.
  const items = list?.kind === 'array' ? list.items : list?.kind === 'object' ? list.properties.map((p) => p.value) : [];
  for (const r of items) {
    if (r.kind !== 'object') continue;
    const typeValue = get(r, 'type');
    const raw = typeValue?.kind === 'string' ? typeValue.value : '';
    const type = parentType && raw && !/^[^/]+\.[^/]+\//.test(raw) ? `${parentType}/${raw}` : raw;
    const api = get(r, 'apiVersion');
    const body = scope.evaluate({ ...r, properties: r.properties.filter((p) => p.key.toLowerCase() !== 'resources') });
    // languageVersion 2.0: `"existing": true` references a resource deployed elsewhere.
    const existing = get(body, 'existing');
    out.push({
      type, apiVersion: api?.kind === 'string' ? api.value : undefined,
      typeRange: typeValue?.range ?? r.range, body, range: r.range,
      ...(existing?.kind === 'boolean' && existing.value ? { existing: true } : {}),
    });
    if (depth < 32) {
      collect(r, scope, type || parentType, out, depth + 1);
      // A nested deployment's inline template: its resources are deployed too (outer-scope expressions assumed).
      const inner = get(r, 'properties.template');
      if (/^microsoft\.resources\/deployments$/i.test(type) && inner?.kind === 'object') {
        const innerScope = /inner/i.test(String((get(r, 'properties.expressionEvaluationOptions.scope') as { value?: unknown })?.value ?? ''))
          ? new ArmScope(get(inner, 'parameters'), get(inner, 'variables')) : scope;
        collect(inner, innerScope, undefined, out, depth + 1);
      }
    }
  }
}
