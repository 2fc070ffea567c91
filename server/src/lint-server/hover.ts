/**
 * Hover on an operation string in Actions/NotActions/DataActions/NotDataActions (JSON and Bicep): provider, resource
 * type, Action or DataAction, whether it touches access control, the built-in roles that include it, and for a
 * wildcard how many operations it grants today with the first few.
 */
import { type Hover, type HoverParams, MarkupKind } from 'vscode-languageserver';
import { describeOperation, expandWildcard, nearestOperation } from '../lint';
import type { LintDocuments } from './documents';
import { operationContextAt, type OperationContext } from './scan';

const LIST_LABEL: Record<OperationContext['list'], string> = {
  actions: 'Actions', notactions: 'NotActions', dataactions: 'DataActions', notdataactions: 'NotDataActions',
};

export function hover(lint: LintDocuments, params: HoverParams): Hover | null {
  const doc = lint.documents.get(params.textDocument.uri);
  if (!doc || !lint.resultFor(doc.uri)?.linted) return null;
  const text = doc.getText();
  const ctx = operationContextAt(text, doc.offsetAt(params.position), lint.isBicep(doc));
  if (!ctx || !ctx.str.value.trim()) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: describe(ctx) },
    range: { start: doc.positionAt(ctx.str.start), end: doc.positionAt(ctx.str.end) },
  };
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function describe(ctx: OperationContext): string {
  const d = describeOperation(ctx.str.value, 5);
  const lines: string[] = [];
  const where = LIST_LABEL[ctx.list];
  if (d.wildcard) {
    const w = expandWildcard(ctx.str.value, 0);
    const granted = ctx.kind === 'data' ? w.dataActions : w.actions;
    const ofKind = ctx.kind === 'data' ? w.operations.slice(w.actions) : w.operations.slice(0, w.actions);
    lines.push(`**${code(d.name)}** — wildcard in ${where}`);
    lines.push('', `Matches **${granted}** ${ctx.kind === 'data' ? 'data actions' : 'actions'} in the catalog today` +
      (ctx.list.startsWith('not') ? '.' : ', and every matching operation added later.'));
    const shown = ofKind.slice(0, 8);
    if (shown.length) lines.push('', `First: ${shown.map(code).join(', ')}${granted > shown.length ? ', …' : ''}`);
    if (d.touchesAccessControl) lines.push('', '⚠ Includes operations that grant or change access (role assignments, role definitions…).');
    return lines.join('\n');
  }
  const kinds = d.kinds.length ? d.kinds.map((k) => (k === 'data' ? 'DataAction' : 'Action')).join(' and ') : 'not in the catalog';
  lines.push(`**${code(d.name)}** — ${kinds}`);
  lines.push('', `Provider ${code(d.provider)} · resource type ${code(d.resourceType)} · operation ${code(d.operation)}`);
  if (d.known && !d.kinds.includes(ctx.kind)) {
    lines.push('', `This is ${ctx.kind === 'data' ? 'an Action (control plane)' : 'a DataAction'}: it belongs in ${ctx.kind === 'data' ? 'Actions' : 'DataActions'}, not ${where}.`);
  }
  if (!d.known) {
    const near = nearestOperation(ctx.str.value, ctx.kind);
    lines.push('', near ? `Unknown operation. Did you mean ${code(near)}?` : 'Unknown operation.');
  }
  if (d.retired) lines.push('', d.retired.provider ? `Provider ${code(d.retired.provider)} is retired or classic.` : `Retired (last listed ${d.retired.operations[0]?.lastSeen}).`);
  lines.push('', `Touches access control: **${d.touchesAccessControl ? 'yes' : 'no'}**`);
  if (d.builtInRoleCount) {
    lines.push('', `In ${d.builtInRoleCount} built-in role${d.builtInRoleCount === 1 ? '' : 's'}: ${d.builtInRoles.join(', ')}${d.builtInRoleCount > d.builtInRoles.length ? ', …' : ''}`);
  } else if (d.known) {
    lines.push('', 'In no built-in role.');
  }
  return lines.join('\n');
}
