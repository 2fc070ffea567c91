import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep, parseProgram } from '../../server/src/lint/bicep';
import { lex } from '../../server/src/lint/bicep/lexer';
import { LineIndex } from '../../server/src/lint/lines';
import type { Stmt } from '../../server/src/lint/bicep/ast';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'bicep', name), 'utf8');
const program = (text: string) => parseProgram(text, new LineIndex(text));
const clean = (text: string) => {
  const r = program(text);
  assert.deepEqual(r.problems.map((p) => p.message), [], text);
  return r.program.statements;
};

describe('bicep lexer', () => {
  it('splits interpolated strings into pieces and decodes escapes', () => {
    const { tokens, problems } = lex("'a${b}c${d}e' 'it\\'s \\u{41}\\${x}'");
    assert.deepEqual(problems, []);
    assert.deepEqual(tokens.map((t) => [t.kind, t.value]), [
      ['strL', 'a'], ['ident', 'b'], ['strM', 'c'], ['ident', 'd'], ['strR', 'e'], ['str', "it's A${x}"], ['eof', ''],
    ]);
  });

  it("keeps ''' strings verbatim: no escapes, no interpolation, first newline dropped", () => {
    const { tokens } = lex("'''\nline ${x} \\n\n'''");
    assert.equal(tokens[0].kind, 'str');
    assert.equal(tokens[0].value, 'line ${x} \\n\n');
    assert.equal(tokens[0].multiline, true);
  });

  it("interpolates $''' strings only with the matching number of $", () => {
    const { tokens } = lex("$$'''a${b}c$${d}e'''");
    assert.deepEqual(tokens.map((t) => [t.kind, t.value]), [['strL', 'a${b}c'], ['ident', 'd'], ['strR', 'e'], ['eof', '']]);
  });

  it('treats comments and #disable-next-line as trivia, newlines as tokens', () => {
    const { tokens } = lex('a // c\n/* x\ny */ b\n#disable-next-line BCP081\nc');
    assert.deepEqual(tokens.map((t) => t.kind), ['ident', 'nl', 'ident', 'nl', 'nl', 'ident', 'eof']);
  });

  it('reports unterminated strings and comments without throwing', () => {
    assert.match(lex("'abc\nx").problems[0].message, /Unterminated string/);
    assert.match(lex("'''abc").problems[0].message, /Unterminated multi-line string/);
    assert.match(lex('/* abc').problems[0].message, /Unterminated comment/);
  });
});

describe('bicep parser', () => {
  it('parses the feature tour fixture without a problem', () => {
    const parsed = parseBicep(fixture('features.bicep'));
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.format, 'bicep');
    assert.equal(parsed.targetScope, 'subscription');
    assert.deepEqual(parsed.roleDefinitions, []);
  });

  it('parses each kind of declaration', () => {
    const kinds = clean(fixture('features.bicep')).map((s) => s.k);
    for (const k of ['metadata', 'targetScope', 'import', 'extension', 'param', 'type', 'var', 'func', 'resource', 'module', 'output']) {
      assert.ok(kinds.includes(k as Stmt['k']), k);
    }
  });

  it('attaches decorators to the declaration below them', () => {
    const [p] = clean("@description('x')\n@allowed([\n  'a'\n  'b'\n])\nparam p string = 'a'\n");
    assert.equal(p.k, 'param');
    assert.equal(p.decorators.length, 2);
  });

  it('accepts objects and arrays with newline and comma separators, trailing commas, comments', () => {
    clean("var a = { x: 1, y: 2,\n z: 3\n\n  // c\n  w: [1, 2,\n 3\n 4,]\n}\n");
    clean('var b = [\n]\nvar c = {}\nvar d = [ /* c */ ]');
  });

  it('accepts ternaries over several lines, chained member access, indexing, safe access and non-null', () => {
    clean("var t = a\n  ? b.c[0].d\n  : e[?'f'].?g!\nvar u = x[^1]\nvar v = r::child.id");
  });

  it('accepts lambdas, function declarations and calls with arguments over several lines', () => {
    clean('var f = map(xs, x => x * 2)\nvar g = sort(xs, (a, b) => a < b)\nvar h = () => 1\nfunc f2(a int, b string[]) object => {\n  a: a\n}\nvar k = concat(\n  a,\n  b\n)');
  });

  it('accepts type declarations: unions, tuples, object types, optional, arrays, resource-derived types', () => {
    clean("type a = 'x' | 'y'\ntype b = {\n  @minLength(1)\n  n: string?\n  *: int\n}\ntype c = [\n  string\n  int\n]\ntype d = int[][]\ntype e = b.n\ntype f = resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties\ntype g = c[0]");
  });

  it('accepts the import, extension and provider forms', () => {
    clean("import { a, b as c } from 'x.bicep'\nimport * as ns from 'x.bicep'\nimport 'az@1.0.0'\nextension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.1.8-preview' as graph\nextension kubernetes with {\n  namespace: 'x'\n} as k8s\nprovider 'az@1.0.0'");
  });

  it('accepts resources with existing, parent, nested children, loops with index and conditions', () => {
    const stmts = clean([
      "resource a 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {\n  name: 'a'\n}",
      "resource b 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {\n  parent: a\n  name: 'default'\n  resource c 'containers' = {\n    name: 'c'\n  }\n}",
      "resource d 'Microsoft.Network/publicIPAddresses@2023-04-01' = [for (x, i) in xs: if (i > 0) {\n  name: x\n}]",
      "resource e 'Microsoft.Network/publicIPAddresses@2023-04-01' =\n  if (deploy) {\n  name: 'e'\n}",
    ].join('\n'));
    assert.deepEqual(stmts.map((s) => (s.k === 'resource' ? [s.name, s.existing !== null, s.value.k] : s.k)), [
      ['a', true, 'object'], ['b', false, 'object'], ['d', false, 'for'], ['e', false, 'if'],
    ]);
  });

  it('marks an existing resource with ResourceDecl.existing, leaving its body as written', () => {
    const { resources } = parseBicep("resource a 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {\n  name: 'a'\n}\n"
      + "resource b 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'b'\n}\n");
    assert.deepEqual(resources.map((r) => r.existing), [true, undefined]);
    const body = resources[0].body;
    assert.ok(body.kind === 'object');
    assert.deepEqual(body.properties.map((p) => p.key), ['name']);
  });

  it('gives ranges: typeRange of the type string, range of the whole declaration', () => {
    const text = "param p string\n\nresource kv 'Microsoft.KeyVault/vaults@2023-02-01' = {\n  name: 'kv'\n  resource k 'keys@2023-02-01' = {\n    name: 'k'\n  }\n}\n";
    const { resources } = parseBicep(text);
    assert.equal(resources.length, 2);
    assert.equal(resources[0].type, 'Microsoft.KeyVault/vaults');
    assert.equal(resources[0].apiVersion, '2023-02-01');
    assert.deepEqual(resources[0].typeRange, { start: { line: 2, character: 12 }, end: { line: 2, character: 50 } });
    assert.deepEqual(resources[0].range, { start: { line: 2, character: 0 }, end: { line: 7, character: 1 } });
    assert.equal(resources[1].type, 'Microsoft.KeyVault/vaults/keys');
    assert.deepEqual(resources[1].typeRange, { start: { line: 4, character: 13 }, end: { line: 4, character: 30 } });
    const name = resources[1].body.kind === 'object' ? resources[1].body.properties[0] : undefined;
    assert.equal(name?.key, 'name');
    assert.deepEqual(name?.keyRange, { start: { line: 5, character: 4 }, end: { line: 5, character: 8 } });
    assert.deepEqual(name?.value.range, { start: { line: 5, character: 10 }, end: { line: 5, character: 13 } });
  });

  it('counts positions in UTF-16 units and CRLF line ends', () => {
    const { resources } = parseBicep("var s = '😀'\r\nresource r 'A.B/c@1' = {\r\n  name: 'é😀'\r\n}\r\n");
    assert.deepEqual(resources[0].typeRange.start, { line: 1, character: 11 });
    const name = resources[0].body.kind === 'object' ? resources[0].body.properties[0].value : undefined;
    assert.deepEqual(name?.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 13 } });
  });

  it('finds resources in the feature tour, nested children joined to their parent type', () => {
    const types = parseBicep(fixture('features.bicep')).resources.map((r) => r.type);
    assert.deepEqual([...new Set(types)], [
      'Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/vaults/keys', 'Microsoft.KeyVault/vaults/secrets',
      'Microsoft.Resources/resourceGroups', 'Microsoft.KeyVault/vaults/accessPolicies',
      'Microsoft.Network/publicIPAddresses', 'Microsoft.Authorization/roleAssignments',
    ]);
  });
});
