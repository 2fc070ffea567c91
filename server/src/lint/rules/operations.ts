/**
 * Rules on single operation strings in Actions, NotActions, DataActions and NotDataActions: shape, wildcards, kind,
 * catalog membership, retirement and redundancy. Each string gets at most one of RP009/RP007/RP008/RP010 (the most
 * specific), so one typo never produces a pile of findings.
 */
import { expand, expandWildcard, nearestOperation, patternRegex, retired, sortedNames, type OpKind } from '../catalog';
import type { Entry, LintContext, ListView, RoleView, Rule, RuleMeta } from './types';

export interface ListRef { list: ListView; kind: OpKind; grant: boolean; label: string }

/** Every permission list of a role with its kind (control/data) and whether it grants (Actions) or subtracts (Not*). */
export function listsOf(role: RoleView): ListRef[] {
  const out: ListRef[] = [];
  for (const b of role.blocks) {
    if (b.actions) out.push({ list: b.actions, kind: 'action', grant: true, label: 'Actions' });
    if (b.notActions) out.push({ list: b.notActions, kind: 'action', grant: false, label: 'NotActions' });
    if (b.dataActions) out.push({ list: b.dataActions, kind: 'data', grant: true, label: 'DataActions' });
    if (b.notDataActions) out.push({ list: b.notDataActions, kind: 'data', grant: false, label: 'NotDataActions' });
  }
  return out;
}

const meta = (m: RuleMeta) => m;

export const RP001 = meta({
  id: 'RP001', name: 'no-wildcard-actions', severity: 'error',
  summary: '`*` in Actions grants every current and future action.',
  explanation: 'A role with `*` in Actions can do everything Azure Resource Manager offers at its scope, including actions added to Azure later. Custom roles exist to grant less than Owner or Contributor.',
  fix: 'List the operations the workload needs (the quick fix offers them, read-only first), or use a built-in role.',
});
export const RP002 = meta({
  id: 'RP002', name: 'broad-wildcard', severity: 'warning',
  summary: 'A wildcard in Actions or DataActions also grants operations added later.',
  explanation: 'A wildcard is evaluated when access is checked, so operations a provider adds later are granted silently. At provider level (`Microsoft.X/*`, `*/write`) that can be hundreds of operations; at resource-type level it is narrower (information).',
  fix: 'Replace the wildcard with the operations it should grant, read-only ones first.',
});
export const RP007 = meta({
  id: 'RP007', name: 'action-kind-mismatch', severity: 'error',
  summary: 'A data operation in Actions, or a control operation in DataActions.',
  explanation: 'Azure matches Actions only against control-plane operations and DataActions only against data-plane ones: an operation in the wrong list grants nothing, so the role does not work as intended.',
  fix: 'Move the operation to the other list (DataActions or Actions).',
});
export const RP008 = meta({
  id: 'RP008', name: 'unknown-operation', severity: 'warning',
  summary: 'The operation is not in the catalog, or a wildcard matches nothing.',
  explanation: 'An operation Azure does not know grants nothing (in NotActions it excludes nothing, which is worse). Usually a typo.',
  fix: 'Correct it to the nearest catalog operation (offered as a quick fix) or remove it.',
});
export const RP009 = meta({
  id: 'RP009', name: 'malformed-operation', severity: 'error',
  summary: 'The string is not Provider/type[/...]/operation, has more than one `*`, or contains whitespace.',
  explanation: 'Azure rejects or never matches malformed operation strings: the role fails to deploy or grants less than intended.',
  fix: 'Write it as Microsoft.Provider/resourceType/operation, with at most one `*` and no spaces.',
});
export const RP010 = meta({
  id: 'RP010', name: 'retired-operation', severity: 'warning',
  summary: 'The operation or its provider was removed from Azure, or is classic.',
  explanation: 'Retired operations grant nothing today; keeping them hides what the role really does and may match something unintended if the name is reused.',
  fix: 'Remove it, or replace it with the current provider’s operation.',
});
export const RP011 = meta({
  id: 'RP011', name: 'redundant-operation', severity: 'information',
  summary: 'A duplicate, or an operation already covered by a wildcard in the same list.',
  explanation: 'Redundant entries make a role harder to review and hide what it grants.',
  fix: 'Remove the entry.',
});

const PROVIDER = /^(\*|[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9*-]+)+\*?|[A-Za-z0-9-]*\*)$/;

/** Why an operation string is malformed, or undefined when its shape is fine. */
export function malformed(text: string): string | undefined {
  if (/\s/.test(text)) return text.trim() === text ? 'contains whitespace' : 'has leading or trailing whitespace';
  if (text === '*') return undefined;
  if ((text.match(/\*/g) ?? []).length > 1) return 'has more than one `*`';
  const segs = text.split('/');
  if (segs.some((s) => s === '')) return 'has an empty segment (a doubled, leading or trailing `/`)';
  if (/["'<>\\,;]/.test(text)) return 'contains characters that never appear in operation names';
  if (!PROVIDER.test(segs[0])) return `does not start with a provider namespace (Microsoft.X), found '${segs[0]}'`;
  if (!text.includes('*') && segs.length < 3) return 'needs Provider/resourceType/operation';
  return undefined;
}

function checkEntry(ctx: LintContext, ref: ListRef, e: Entry): void {
  const bad = malformed(e.text);
  if (bad) {
    const trimmed = e.text.trim();
    ctx.report(RP009, e.range, `'${e.text}' ${bad}.`, trimmed !== e.text && !malformed(trimmed) ? { suggestion: trimmed } : undefined);
    return;
  }
  const other: OpKind = ref.kind === 'action' ? 'data' : 'action';
  const wildcard = e.text.includes('*');
  const mine = expand(e.text, ref.kind);
  if (wildcard && ref.grant) {
    const seg = e.text.split('/').findIndex((s) => s.includes('*'));
    if (e.text === '*' && ref.kind === 'action') {
      ctx.report(RP001, e.range, `'*' in ${ref.label} grants every action (${mine.length} today) and every action added later.`);
    } else {
      const w = expandWildcard(e.text, 5);
      const n = ref.kind === 'action' ? w.actions : w.dataActions;
      const broad = seg <= 1;
      ctx.report(RP002, e.range,
        `'${e.text}' grants ${n} ${ref.kind === 'action' ? 'actions' : 'data actions'} today at ${broad ? 'provider level or wider' : 'resource-type level'}, and any added later.`,
        { replacements: sortedNames(expand(e.text, ref.kind), `${ref.kind}|${e.text}`).slice(0, 200) }, broad ? 'warning' : 'information');
    }
  }
  if (mine.length) return;
  const theirs = expand(e.text, other);
  if (theirs.length) {
    ctx.report(RP007, e.range, wildcard
      ? `'${e.text}' matches only ${other === 'data' ? 'data' : 'control-plane'} operations (${theirs.length}): in ${ref.label} it grants nothing. Move it to ${other === 'data' ? 'DataActions' : 'Actions'}.`
      : `'${e.text}' is a ${other === 'data' ? 'data' : 'control-plane'} operation: in ${ref.label} it ${ref.grant ? 'grants' : 'excludes'} nothing. Move it to ${other === 'data' ? ref.grant ? 'DataActions' : 'NotDataActions' : ref.grant ? 'Actions' : 'NotActions'}.`);
    return;
  }
  const gone = retired(e.text);
  if (gone) {
    const why = gone.provider ? `its provider ${gone.provider} is retired or classic` : `it was removed (last listed ${gone.operations[0].lastSeen})`;
    ctx.report(RP010, e.range, `'${e.text}' ${ref.grant ? 'grants' : 'excludes'} nothing: ${why}.`, { remove: true });
    return;
  }
  if (wildcard) {
    ctx.report(RP008, e.range, `'${e.text}' matches no operation in the catalog.`);
    return;
  }
  const near = nearestOperation(e.text, ref.kind) ?? nearestOperation(e.text);
  ctx.report(RP008, e.range,
    `'${e.text}' is not in the operation catalog${near ? `: did you mean '${near}'?` : '.'}${ref.grant ? '' : ' In a Not list it excludes nothing.'}`,
    near ? { suggestion: near } : undefined);
}


function checkRedundant(ctx: LintContext, ref: ListRef): void {
  const seen = new Map<string, Entry>();
  const wildcards = ref.list.entries.filter((e) => e.text.includes('*') && !malformed(e.text));
  for (const e of ref.list.entries) {
    const key = e.text.trim().toLowerCase();
    const first = seen.get(key);
    if (first) {
      ctx.report(RP011, e.range, `'${e.text}' is listed twice in ${ref.label} (first on line ${first.range.start.line + 1}).`, { remove: true });
      continue;
    }
    seen.set(key, e);
    // Entries that are already wrong (malformed, wrong kind, unknown) get that finding only.
    if (malformed(e.text) || !expand(e.text, ref.kind).length) continue;
    // Covered: another wildcard in the same list matches this string (a narrower wildcard's text included).
    const cover = wildcards.find((w) => w !== e && w.text.trim().toLowerCase() !== key && patternRegex(w.text).test(key));
    if (cover) ctx.report(RP011, e.range, `'${e.text}' is already covered by '${cover.text}' in ${ref.label}.`, { remove: true });
  }
}

/** Operation-string rules over every permission list of every role. */
export const operationRules: Rule[] = [
  {
    meta: RP009, // RP001/RP002/RP007/RP008/RP010 are reported by the same pass: see checkEntry.
    check(ctx) {
      for (const role of ctx.roles) for (const ref of listsOf(role)) {
        for (const e of ref.list.entries) checkEntry(ctx, ref, e);
        checkRedundant(ctx, ref);
      }
    },
  },
];

/** The metadata of the rules this file reports. */
export const operationMetas: RuleMeta[] = [RP001, RP002, RP007, RP008, RP009, RP010, RP011];
