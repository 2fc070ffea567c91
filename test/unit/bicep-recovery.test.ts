import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPath, parseBicep } from '../../server/src/lint/bicep';
import type { LocatedValue } from '../../server/src/lint/model';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'bicep', name), 'utf8');
const strings = (v: LocatedValue | undefined) => (v?.kind === 'array' ? v.items.map((i) => (i.kind === 'string' ? i.value : `?${i.kind}`)) : undefined);
const roleActions = (text: string) => {
  const role = parseBicep(text).resources.find((r) => r.type === 'Microsoft.Authorization/roleDefinitions');
  const perms = getPath(role?.body, 'properties.permissions');
  return strings(perms?.kind === 'array' ? getPath(perms.items[0], 'actions') : undefined);
};
const ROLE = "resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: 'r'\n  properties: {\n    permissions: [\n      { actions: ['*'] }\n    ]\n  }\n}\n";

describe('bicep error recovery', () => {
  it('finds the role definition below a broken line and an unclosed brace, with its actions evaluated', () => {
    const parsed = parseBicep(fixture('broken.bicep'));
    assert.deepEqual(parsed.problems.map((p) => [p.range.start.line, p.message]), [
      [2, "Expected '}' to close the object started on line 3"],
      [6, "Expected a new line or ',' after the property, but found a string"],
      [10, "Expected an expression but found ']'"],
    ]);
    assert.deepEqual(parsed.resources.map((r) => r.type), ['Microsoft.Storage/storageAccounts', 'Microsoft.Authorization/roleDefinitions']);
    // The broken storage account still has the properties around the error.
    assert.equal(getPath(parsed.resources[0].body, 'properties.allowBlobPublicAccess')?.kind, 'boolean');
    const perms = getPath(parsed.resources[1].body, 'properties.permissions');
    assert.deepEqual(strings(perms?.kind === 'array' ? getPath(perms.items[0], 'actions') : undefined), ['*']);
  });

  it('keeps going after a broken declaration at the top level', () => {
    assert.deepEqual(roleActions(`param = 3\nvar x = (1 +\n${ROLE}`), ['*']);
    assert.deepEqual(roleActions(`resource x 'A.B/c@1' = [\n${ROLE}`), ['*']);
    assert.deepEqual(roleActions(`var s = 'unterminated\n${ROLE}`), ['*']);
    assert.deepEqual(roleActions(`var f = concat(1, 2\n${ROLE}`), ['*']);
    assert.deepEqual(roleActions(`} ] ) @ $ #\n${ROLE}`), ['*']);
  });

  it('recovers inside an object: a broken property hides only itself', () => {
    const parsed = parseBicep("resource r 'A.B/c@1' = {\n  name: 'r'\n  broken: : 1\n  bad key: 2\n  location: 'west'\n}\n");
    assert.equal(parsed.problems.length, 2);
    assert.equal(getPath(parsed.resources[0].body, 'location')?.kind, 'string');
    assert.equal(getPath(parsed.resources[0].body, 'name')?.kind, 'string');
  });

  it('reports a missing closer with the line it opened on, ending the list at the next declaration', () => {
    const parsed = parseBicep("var a = [\n  1\n  2\nvar b = {\n  x: 1\n\nparam c string\n");
    assert.deepEqual(parsed.problems.map((p) => p.message), [
      "Expected ']' to close the array started on line 1",
      "Expected '}' to close the object started on line 4",
    ]);
  });

  it('reports at most 200 problems for a file that is not Bicep at all', () => {
    const problems = parseBicep('}\n'.repeat(1000)).problems;
    assert.equal(problems.length, 200);
    assert.equal(problems[199].message, '801 more syntax problems are not shown');
  });

  it('reports a problem with a clear message for common mistakes', () => {
    const msg = (text: string) => parseBicep(text).problems[0]?.message;
    assert.equal(msg("resource r 'A.B/c@1' {\n}"), "Expected '=' after the resource type but found '{'");
    assert.equal(msg("resource r 'A.B/c@1' = 3"), "Expected '{', 'if (...)' or '[for ...]' after '=' but found the number 3");
    assert.equal(msg('var x = { a 1 }'), "Expected ':' after the property name but found the number 1");
    assert.match(msg('foo bar')!, /^Expected a declaration \(targetScope, .*\) but found 'foo'$/);
  });
});

describe('bicep suppression comments', () => {
  it('applies // rampart-disable-next-line to the next line of code, skipping comments and blank lines', () => {
    const parsed = parseBicep(fixture('roles.bicep'));
    assert.deepEqual(parsed.suppressions, [{ line: 35, rules: ['RP002', 'RP003'] }]);
    assert.equal(parsed.resources[1].range.start.line, 35);
    const text = "var a = 1\n// rampart-disable-next-line RP001,RP004\n\n// another comment\nvar b = 2\n  //rampart-disable-next-line RP009\n";
    assert.deepEqual(parseBicep(text).suppressions, [{ line: 4, rules: ['RP001', 'RP004'] }, { line: 6, rules: ['RP009'] }]);
  });

  it('ignores other comments and Bicep #disable-next-line pragmas', () => {
    assert.deepEqual(parseBicep('// rampart is great\n#disable-next-line BCP081\nvar a = 1 // rampart-disable-next-line-not\n').suppressions, []);
  });
});
