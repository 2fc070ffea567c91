/** Rules on role assignments (ARM and Bicep `Microsoft.Authorization/roleAssignments`). */
import type { DeploymentScope, LocatedValue } from '../model';
import { scopeLevel } from './scopes';
import type { AssignmentView, LintContext, Rule, RuleMeta } from './types';

export const RP020: RuleMeta = {
  id: 'RP020', name: 'privileged-role-assignment', severity: 'warning',
  summary: 'The assignment grants Owner, Contributor, User Access Administrator or Role Based Access Control Administrator.',
  explanation: 'These built-in roles grant write access to everything at the scope, or the power to grant access. An identity deployed with them is a high-value target.',
  fix: 'Assign a narrower built-in role or a custom role with only the operations needed.',
};
export const RP021: RuleMeta = {
  id: 'RP021', name: 'broad-assignment-scope', severity: 'information',
  summary: 'The assignment is made at subscription or management-group scope.',
  explanation: 'An assignment at a broad scope applies to every resource group and resource below it, including ones created later.',
  fix: 'Assign at the resource group or resource that needs it (set `scope`).',
};
export const RP022: RuleMeta = {
  id: 'RP022', name: 'missing-principal-type', severity: 'warning',
  summary: 'The assignment has no principalType.',
  explanation: 'Without principalType, Azure looks the principal up in Entra ID; a principal created in the same deployment may not have replicated yet and the deployment fails intermittently. It also documents who gets access.',
  fix: "Add principalType: 'ServicePrincipal', 'User', 'Group' or 'ForeignGroup'.",
};

/** The privileged built-in roles by GUID (lower case). */
export const PRIVILEGED_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
};

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The privileged role an id refers to, however it was built: an evaluated string (literal, concat, resource-id
 * functions, variables) or, when only partly known, any well-known GUID in the expression's source text.
 */
export function privilegedRole(v: LocatedValue | undefined): string | undefined {
  if (!v) return undefined;
  // A partly known id: its source text (a literal GUID) and its symbolic text (a GUID from a variable or parameter).
  const text = v.kind === 'string' ? v.value : v.kind === 'unknown' ? `${v.text} ${v.symbolic ?? ''}` : '';
  for (const m of text.match(GUID) ?? []) {
    const name = PRIVILEGED_ROLES[m.toLowerCase()];
    if (name) return name;
  }
  return undefined;
}

/** The level of an assignment's explicit scope, from its value or (when symbolic) the function that builds it. */
function explicitScope(v: LocatedValue): DeploymentScope | 'resource' | undefined {
  if (v.kind === 'string') {
    const level = scopeLevel(v.value);
    return level === 'tenant' ? 'tenant' : level;
  }
  if (v.kind === 'object') {
    // Bicep `scope: subscription()` / `resourceGroup('rg')`: the scope object's id.
    const id = v.properties.find((p) => p.key === 'id')?.value;
    return id?.kind === 'string' ? explicitScope(id) : 'resource';
  }
  if (v.kind !== 'unknown') return undefined;
  if (v.symbolic?.startsWith('/')) return scopeLevel(v.symbolic) ?? 'resource';
  const t = v.text.replace(/\s+/g, '');
  if (/^\[?subscription\(\)(\.id)?\]?$/i.test(t)) return 'subscription';
  if (/^\[?managementGroup\(/i.test(t)) return 'managementGroup';
  if (/^\[?tenant\(\)/i.test(t)) return 'tenant';
  if (/^\[?resourceGroup\(/i.test(t)) return 'resourceGroup';
  return 'resource';
}

function broad(a: AssignmentView, target: DeploymentScope | undefined): DeploymentScope | undefined {
  // An extension resource type (…/providers/roleAssignments) is scoped to its parent resource.
  if (/\/providers\/roleassignments$/i.test(a.resource.type)) return undefined;
  const level = a.scope ? explicitScope(a.scope) : target;
  return level === 'subscription' || level === 'managementGroup' || level === 'tenant' ? level : undefined;
}

export const assignmentRules: Rule[] = [
  {
    meta: RP020,
    check(ctx: LintContext) {
      for (const a of ctx.assignments) {
        const role = privilegedRole(a.roleDefinitionId);
        if (role && a.roleDefinitionId) {
          ctx.report(RP020, a.roleDefinitionId.range, `This assignment grants the built-in ${role} role: assign a narrower role with only what the principal needs.`);
        }
      }
    },
  },
  {
    meta: RP021,
    check(ctx: LintContext) {
      for (const a of ctx.assignments) {
        const level = broad(a, ctx.file.targetScope);
        if (!level) continue;
        const words = { subscription: 'subscription', managementGroup: 'management-group', tenant: 'tenant', resourceGroup: '' }[level];
        ctx.report(RP021, a.scope?.range ?? a.resource.typeRange, `Assigned at ${words} scope: it applies to everything below, including resources created later.`);
      }
    },
  },
  {
    meta: RP022,
    check(ctx: LintContext) {
      for (const a of ctx.assignments) {
        if (a.principalType) continue;
        ctx.report(RP022, a.properties?.keyRange ?? a.resource.typeRange, 'The role assignment has no principalType.',
          { addProperty: { key: 'principalType', values: ['ServicePrincipal', 'User', 'Group', 'ForeignGroup'] } });
      }
    },
  },
];
