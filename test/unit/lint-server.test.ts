/** The editor side's pure helpers: where the cursor is (operation lists), and the .rampartrc.json edit. */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/lint';
import { addToDisable, narrowScope } from '../../server/src/lint-server/code-actions';
import { operationContextAt } from '../../server/src/lint-server/scan';

const at = (text: string, marker: string, bicep: boolean) => operationContextAt(text.replace(marker, ''), text.indexOf(marker), bicep);

describe('lint-server: operation context', () => {
  it('finds strings in Actions/DataActions lists (any key case) and nowhere else', () => {
    const json = '{ "Name": "a|b", /* "Actions": ["x"] */ "properties": { "permissions": [ { "notDataActions": ["Microsoft.Storage/|x"], "actions": [ "y" ] } ] } }';
    assert.equal(at(json, '|', false), undefined);
    const c = at(json.replace('a|b', 'ab'), '|', false)!;
    assert.equal(c.list, 'notdataactions');
    assert.equal(c.kind, 'data');
    assert.equal(c.str.value, 'Microsoft.Storage/x');
    assert.equal(at('{ "Actions": [ "Micro|', '|', false)?.str.terminated, false, 'an unterminated string while typing');
    assert.equal(at('{ "Actions": [ "a" ], "x": [ "b|" ] }', '|', false), undefined);
  });

  it('Bicep: newline-separated properties, comments and multi-line strings', () => {
    const bicep = "var d = '''\nactions: [ 'no' ]\n'''\nresource r 'x@1' = {\n  properties: {\n    description: 'd'\n    actions: [\n      // 'no|'\n      'Microsoft.Compute/*'\n    ]\n  }\n}\n";
    assert.equal(at(bicep, '|', true), undefined);
    const c = at(bicep.replace("'no|'", "'no'").replace('Compute/*', 'Compute/|*'), '|', true)!;
    assert.equal(c.list, 'actions');
    assert.equal(c.str.value, 'Microsoft.Compute/*');
    assert.equal(at(bicep.replace("'no' ]\n'''", "'n|o' ]\n'''"), '|', true), undefined, "inside ''' text");
  });
});

describe('lint-server: adding a rule to .rampartrc.json', () => {
  const apply = (text: string, rule: string) => {
    const edits = addToDisable(text, rule);
    return edits && JSON.parse(TextDocument.applyEdits(TextDocument.create('file:///c', 'json', 1, text), edits));
  };
  it('creates, extends or leaves the list', () => {
    assert.deepEqual(apply('', 'RP001'), { disable: ['RP001'] });
    assert.deepEqual(apply('{}', 'RP001'), { disable: ['RP001'] });
    assert.deepEqual(apply('{\n  "ignore": ["x/**"]\n}', 'RP001'), { disable: ['RP001'], ignore: ['x/**'] });
    assert.deepEqual(apply('{ "disable": [] }', 'RP001'), { disable: ['RP001'] });
    assert.deepEqual(apply('{ "disable": "RP002" }', 'RP001'), { disable: ['RP002', 'RP001'] });
    assert.deepEqual(apply('{ "disable": ["RP002"] }', 'RP001'), { disable: ['RP002', 'RP001'] });
    assert.equal(addToDisable('{ "disable": ["rp001"] }', 'RP001'), undefined);
    assert.equal(addToDisable('[1]', 'RP001'), undefined);
  });
});

describe('lint-server: narrowing a broad assignable scope (RP006, RP005 on the root)', () => {
  const MG = '/providers/Microsoft.Management/managementGroups/corp';
  const SUBS = [{ subscriptionId: '11111111-0000-4000-8000-000000000001', name: 'Alpha' }, { subscriptionId: '22222222-0000-4000-8000-000000000002', name: 'Beta' }];
  function fixesFor(name: string, text: string, subs: typeof SUBS) {
    const doc = TextDocument.create(`file:///w/${name}`, name.endsWith('.bicep') ? 'bicep' : 'json', 1, text);
    const findings = lintText(name, text).filter((f) => f.data?.narrowScope);
    assert.equal(findings.length, 1, JSON.stringify(lintText(name, text)));
    const f = findings[0];
    const diag = { range: f.range, message: f.message, code: f.ruleId };
    return narrowScope(doc, f, diag, name.endsWith('.bicep'), subs).map((a) => ({
      title: a.title, preferred: !!a.isPreferred, text: TextDocument.applyEdits(doc, a.edit!.changes![doc.uri]),
    }));
  }
  const role = (scope: string) => `{\n  "Name": "r",\n  "Actions": ["Microsoft.Compute/virtualMachines/read"],\n  "AssignableScopes": [\n    "${scope}"\n  ]\n}\n`;

  it('JSON: all synced subscriptions (preferred) or one of them, each leaving a role with no scope finding', () => {
    const fixes = fixesFor('role.json', role(MG), SUBS);
    assert.deepEqual(fixes.map((f) => [f.title, f.preferred]), [
      ['Narrow to the 2 synced subscriptions', true],
      [`Narrow to subscription 'Alpha' (${SUBS[0].subscriptionId})`, false],
      [`Narrow to subscription 'Beta' (${SUBS[1].subscriptionId})`, false],
    ]);
    assert.deepEqual(JSON.parse(fixes[0].text).AssignableScopes, SUBS.map((s) => `/subscriptions/${s.subscriptionId}`));
    assert.deepEqual(JSON.parse(fixes[2].text).AssignableScopes, [`/subscriptions/${SUBS[1].subscriptionId}`]);
    for (const f of fixes) assert.deepEqual(lintText('role.json', f.text).filter((x) => /RP00[56]/.test(x.ruleId)), [], f.title);
  });

  it('the root scope, and no synced subscription: a placeholder scope to fill in', () => {
    const [fix] = fixesFor('role.json', role('/'), []);
    assert.equal(fix.title, 'Narrow to a subscription (/subscriptions/{subscriptionId} to fill in)');
    assert.deepEqual(JSON.parse(fix.text).AssignableScopes, ['/subscriptions/{subscriptionId}']);
  });

  it('Bicep: one entry per line, no commas', () => {
    const bicep = `resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: guid('r')\n  properties: {\n    roleName: 'r'\n    permissions: [\n      {\n        actions: [\n          'Microsoft.Compute/virtualMachines/read'\n        ]\n      }\n    ]\n    assignableScopes: [\n      '${MG}'\n    ]\n  }\n}\n`;
    const [all] = fixesFor('main.bicep', bicep, SUBS);
    assert.match(all.text, new RegExp(`assignableScopes: \\[\\n      '/subscriptions/${SUBS[0].subscriptionId}'\\n      '/subscriptions/${SUBS[1].subscriptionId}'\\n    \\]`));
    assert.deepEqual(lintText('main.bicep', all.text).filter((x) => /RP00[56]/.test(x.ruleId)), []);
  });
});
