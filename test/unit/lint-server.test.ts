/** The editor side's pure helpers: where the cursor is (operation lists), and the .rampartrc.json edit. */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { addToDisable } from '../../server/src/lint-server/code-actions';
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
