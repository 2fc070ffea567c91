/**
 * Rules on a role's effective permissions (what remains after Not* lists are subtracted): privilege escalation and
 * the common misunderstanding that NotActions deny.
 */
import { accessControlOperations, expand, matches, type OpKind, type Operation } from '../catalog';
import type { Entry, LintContext, PermissionBlock, Rule, RuleMeta } from './types';

export const RP003: RuleMeta = {
  id: 'RP003', name: 'privilege-escalation', severity: 'error',
  summary: 'The effective actions include one that grants or changes access.',
  explanation: 'Whoever holds a role that can write role assignments, role definitions or deny assignments, submit PIM schedule requests or elevate access can give themselves or anyone else any role at that scope: the role is as powerful as Owner.',
  fix: 'Remove the operation, or add it to NotActions if it comes from a wildcard; use a separate, tightly held role for access management.',
};
export const RP004: RuleMeta = {
  id: 'RP004', name: 'notactions-not-deny', severity: 'warning',
  summary: 'NotActions/NotDataActions beside a wildcard subtract from this role only: they deny nothing granted elsewhere.',
  explanation: 'NotActions is not a deny: a principal that also holds another role still gets the excluded operations. A wildcard minus a few exclusions also keeps granting sensitive families (delete, action) and everything added later.',
  fix: 'Grant only the operations needed instead of a wildcard minus exclusions; use Azure deny assignments or policy to forbid something.',
};

function blockLists(b: PermissionBlock, kind: OpKind) {
  return kind === 'action' ? { grant: b.actions, not: b.notActions } : { grant: b.dataActions, not: b.notDataActions };
}

/** Effective operations of one block and kind, with the entries that grant each. */
export function effectiveOf(b: PermissionBlock, kind: OpKind): Map<Operation, Entry[]> {
  const { grant, not } = blockLists(b, kind);
  const out = new Map<Operation, Entry[]>();
  for (const e of grant?.entries ?? []) {
    for (const op of expand(e.text, kind)) {
      const list = out.get(op);
      if (list) list.push(e); else out.set(op, [e]);
    }
  }
  for (const e of not?.entries ?? []) for (const op of expand(e.text, kind)) out.delete(op);
  return out;
}

export const escalationRules: Rule[] = [
  {
    meta: RP003,
    check(ctx: LintContext) {
      // Only the few access-control operations matter: test them against the entries instead of expanding `*`.
      const sensitive = accessControlOperations();
      for (const role of ctx.roles) for (const b of role.blocks) {
        const byEntry = new Map<Entry, string[]>();
        for (const op of sensitive) {
          if (b.notActions?.entries.some((n) => matches(n.text, op))) continue;
          for (const e of b.actions?.entries ?? []) {
            if (!matches(e.text, op)) continue;
            const list = byEntry.get(e) ?? [];
            list.push(op);
            byEntry.set(e, list);
          }
        }
        for (const [e, ops] of byEntry) {
          ops.sort();
          const shown = ops.slice(0, 3).join(', ') + (ops.length > 3 ? ` and ${ops.length - 3} more` : '');
          ctx.report(RP003, e.range,
            `'${e.text}' grants ${shown}: a holder can grant themselves or others any role${role.name ? ` ('${role.name}' is as powerful as Owner)` : ''}.`,
            e.text.includes('*') ? undefined : { remove: true });
        }
      }
    },
  },
  {
    meta: RP004,
    check(ctx: LintContext) {
      for (const role of ctx.roles) for (const b of role.blocks) {
        for (const kind of ['action', 'data'] as const) {
          const { grant, not } = blockLists(b, kind);
          if (!not || !not.entries.length || !grant?.entries.some((e) => e.text.includes('*'))) continue;
          const effective = [...effectiveOf(b, kind).keys()];
          const deletes = effective.filter((o) => /\/delete$/i.test(o.name));
          const actions = effective.filter((o) => /\/action$/i.test(o.name));
          const eg = [...deletes.slice(0, 1), ...actions.slice(0, 1)].map((o) => o.name).join(', ');
          const label = kind === 'action' ? 'NotActions' : 'NotDataActions';
          ctx.report(RP004, not.prop.keyRange,
            `${label} only subtract from this role's wildcard; they deny nothing granted by other roles. ` +
            `This role still grants ${deletes.length} delete and ${actions.length} action operations${eg ? ` (e.g. ${eg})` : ''}, and anything added later.`);
        }
      }
    },
  },
];
