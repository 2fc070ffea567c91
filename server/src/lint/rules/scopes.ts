/** Rules on a custom role's AssignableScopes. */
import type { LintContext, Rule, RuleMeta } from './types';

export const RP005: RuleMeta = {
  id: 'RP005', name: 'invalid-assignable-scope', severity: 'error',
  summary: 'An assignable scope Azure rejects: `/`, a `*`, more than one management group, or a malformed scope.',
  explanation: 'Custom roles cannot be assignable at the root (`/`), scopes take no wildcards, a custom role may name at most one management group, and a scope must be a subscription, resource group, resource or management group id. Azure refuses such a role.',
  fix: 'Use /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name}, or one /providers/Microsoft.Management/managementGroups/{id}.',
};
export const RP006: RuleMeta = {
  id: 'RP006', name: 'broad-assignable-scope', severity: 'warning',
  summary: 'The role is assignable at a management group or the tenant.',
  explanation: 'A role assignable at a management group can be assigned on every subscription below it, including ones created later.',
  fix: 'Narrow AssignableScopes to the subscriptions or resource groups that need the role.',
};

const ID = String.raw`(?:[^/{}\s]+|\{[^/{}]+\})`;
const SUB = new RegExp(String.raw`^/subscriptions/${ID}(?:/resourceGroups/${ID}(?:/providers/[^/\s]+(?:/${ID})+)?)?$`, 'i');
const MG = new RegExp(String.raw`^/providers/Microsoft\.Management/managementGroups/${ID}$`, 'i');

export type ScopeLevel = 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

/** The level of a scope id, or undefined when it is not a well-formed scope. */
export function scopeLevel(scope: string): ScopeLevel | undefined {
  if (scope === '/') return 'tenant';
  if (MG.test(scope)) return 'managementGroup';
  if (!SUB.test(scope)) return undefined;
  const n = scope.split('/').length;
  return n === 3 ? 'subscription' : n === 5 ? 'resourceGroup' : 'resource';
}

export const scopeRules: Rule[] = [
  {
    meta: RP005,
    check(ctx: LintContext) {
      for (const role of ctx.roles) {
        const scopes = role.assignableScopes;
        if (!scopes) continue;
        if (scopes.prop.value.kind === 'array' && scopes.prop.value.items.length === 0) {
          ctx.report(RP005, scopes.prop.keyRange, 'AssignableScopes is empty: a custom role needs at least one scope.');
          continue;
        }
        let mgs = 0;
        for (const e of scopes.entries) {
          const s = e.text;
          if (s === '/') { ctx.report(RP005, e.range, "'/' (the root) cannot be an assignable scope of a custom role.", { narrowScope: true }); continue; }
          if (s.includes('*')) { ctx.report(RP005, e.range, `'${s}': assignable scopes take no wildcards.`); continue; }
          const level = scopeLevel(s);
          if (!level) {
            const fixed = s.trim().replace(/\/+$/, '');
            ctx.report(RP005, e.range, `'${s}' is not a subscription, resource group, resource or management group id.`,
              fixed !== s && scopeLevel(fixed) ? { suggestion: fixed } : undefined);
            continue;
          }
          if (level === 'managementGroup' && ++mgs > 1) {
            ctx.report(RP005, e.range, `'${s}': a custom role can name only one management group in AssignableScopes.`, { remove: true });
          }
        }
      }
    },
  },
  {
    meta: RP006,
    check(ctx: LintContext) {
      for (const role of ctx.roles) {
        let mgs = 0;
        for (const e of role.assignableScopes?.entries ?? []) {
          // The second management group is already an error (RP005): one finding per element.
          if (scopeLevel(e.text) === 'managementGroup' && ++mgs === 1) {
            ctx.report(RP006, e.range, `Assignable at management group '${e.text.split('/').pop()}': the role can be assigned on every subscription below it.`, { narrowScope: true });
          }
        }
      }
    },
  },
];
