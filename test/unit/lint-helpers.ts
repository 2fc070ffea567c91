/** Shared helpers of the lint tests: one permission set written in each input format, and range checks. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lintText, type Finding } from '../../server/src/lint';
import type { Range } from '../../server/src/lint/model';

export interface Perms { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[]; scopes?: string[] }

export const SUB_SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/app';
const lists = (p: Perms) => ({
  actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [],
  assignableScopes: p.scopes ?? [SUB_SCOPE],
});

/** The same role in every supported format: [format, file name, text]. */
export const FORMATS: Record<string, (p: Perms) => [string, string]> = {
  'role JSON (az shape)': (p) => {
    const l = lists(p);
    return ['role.json', JSON.stringify({ Name: 'Test', IsCustom: true, Description: 'd', Actions: l.actions, NotActions: l.notActions,
      DataActions: l.dataActions, NotDataActions: l.notDataActions, AssignableScopes: l.assignableScopes }, null, 2)];
  },
  'role JSON (REST shape, array)': (p) => {
    const l = lists(p);
    return ['roles.json', JSON.stringify([{ name: 'x', properties: { roleName: 'Test', permissions: [{ actions: l.actions, notActions: l.notActions,
      dataActions: l.dataActions, notDataActions: l.notDataActions }], assignableScopes: l.assignableScopes } }], null, 2)];
  },
  'ARM template': (p) => {
    const l = lists(p);
    return ['template.json', JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Authorization/roleDefinitions', apiVersion: '2022-04-01', name: "[guid('t')]",
        properties: { roleName: 'Test', permissions: [{ actions: l.actions, notActions: l.notActions, dataActions: l.dataActions,
          notDataActions: l.notDataActions }], assignableScopes: l.assignableScopes } }],
    }, null, 2)];
  },
  Bicep: (p) => {
    const l = lists(p);
    const arr = (xs: string[], indent: string) => (xs.length ? `[\n${xs.map((x) => `${indent}  '${x}'`).join('\n')}\n${indent}]` : '[]');
    return ['main.bicep', `resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('t')
  properties: {
    roleName: 'Test'
    permissions: [
      {
        actions: ${arr(l.actions, '        ')}
        notActions: ${arr(l.notActions, '        ')}
        dataActions: ${arr(l.dataActions, '        ')}
        notDataActions: ${arr(l.notDataActions, '        ')}
      }
    ]
    assignableScopes: ${arr(l.assignableScopes, '    ')}
  }
}
`];
  },
};

/** The source text a range covers. */
export function textAt(text: string, r: Range): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

/** The element text without its quotes. */
export function unquoted(text: string, r: Range): string { return textAt(text, r).replace(/^["']|["']$/g, ''); }

export const FIXTURES = path.resolve(__dirname, '../fixtures/lint');
export function fixture(name: string): string { return readFileSync(path.join(FIXTURES, name), 'utf8'); }

/** Lints a fixture; returns findings with the text each one sits on. */
export function lintFixture(name: string): (Finding & { at: string })[] {
  const text = fixture(name);
  return lintText(name, text).map((f) => ({ ...f, at: unquoted(text, f.range) }));
}
