import { strict as assert } from 'node:assert';
import { parseJson, toPlain } from '../../server/src/lint/json';
import { lintText } from '../../server/src/lint';
import { textAt } from './lint-helpers';

describe('lint JSON reader', () => {
  it('reads standard JSON exactly like JSON.parse', () => {
    const doc = { a: [1, -2.5e3, true, false, null, 'x\n"\u00e9\ud83d\ude00'], b: { c: {} }, d: [] };
    const r = parseJson(JSON.stringify(doc, null, 2));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(toPlain(r.value), doc);
  });

  it('accepts comments and trailing commas without problems (ARM allows them)', () => {
    const r = parseJson('{\n  // line\n  "a": [1, 2,], /* block */\n  "b": { "c": 1, },\n}\n');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(toPlain(r.value), { a: [1, 2], b: { c: 1 } });
  });

  it('gives exact LSP ranges (0-based, UTF-16) to keys and values', () => {
    const text = '{\r\n  "\ud83d\ude00": "v",\n  "k": [ "x" ]\n}';
    const r = parseJson(text);
    const o = r.value!;
    assert.equal(o.kind, 'object');
    if (o.kind !== 'object') return;
    assert.deepEqual(o.properties[0].keyRange, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
    assert.equal(textAt(text, o.properties[0].value.range), '"v"');
    const arr = o.properties[1].value;
    assert.equal(arr.kind === 'array' && textAt(text, arr.items[0].range), '"x"');
    assert.deepEqual(o.range, { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } });
  });

  it('recovers from errors and keeps the values after them', () => {
    const r = parseJson('{\n  "a": [1 2],\n  "b": ,\n  c: "unquoted key",\n  "d": "unterminated\n  "e": tru,\n  "f": "ok"\n');
    assert.ok(r.problems.length >= 4, JSON.stringify(r.problems));
    const plain = toPlain(r.value) as Record<string, unknown>;
    assert.deepEqual(plain.a, [1, 2]);
    assert.equal(plain.c, 'unquoted key');
    assert.equal(plain.f, 'ok');
  });

  it('RP000 for syntax errors, and findings below the error still reported', () => {
    const text = '{\n  "Name": "x",,\n  "Actions": [ "*" "Microsoft.Storage/*" ]\n  "AssignableScopes": ["/"]\n';
    const ids = lintText('r.json', text).map((f) => f.ruleId);
    assert.ok(ids.includes('RP000'));
    for (const id of ['RP001', 'RP002', 'RP005']) assert.ok(ids.includes(id), `${id} in ${ids.join()}`);
  });

  it('survives hostile nesting without exhausting the stack', () => {
    const r = parseJson('['.repeat(100_000) + ']'.repeat(100_000));
    assert.ok(r.problems.some((p) => /too deep/.test(p.message)));
    const r2 = parseJson('{"a":'.repeat(50_000));
    assert.ok(r2.problems.length > 0);
  });

  it('fuzz: seeded random mutations of real documents never throw and always terminate', function () {
    this.timeout(60_000);
    let seed = 0x5eed;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const seeds = [
      JSON.stringify({ Name: 'x', Actions: ['*', 'Microsoft.Storage/*'], NotActions: [], AssignableScopes: ['/'] }, null, 2),
      JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        parameters: { p: { type: 'string', defaultValue: 'x' } }, variables: { v: "[concat(parameters('p'), '/y')]" },
        resources: [{ type: 'Microsoft.Authorization/roleAssignments', properties: { roleDefinitionId: "[variables('v')]" } },
          { type: 'Microsoft.Authorization/roleDefinitions', properties: { permissions: [{ actions: "[variables('v')]" }] } }] }, null, 2),
    ];
    const alphabet = '{}[]:,"\'\\/*\n\r\t 0123456789-+.eEtrufalsn[]()ab\u00e9\ud83d';
    for (let i = 0; i < 3000; i++) {
      let s = seeds[i % seeds.length];
      const edits = 1 + rand(8);
      for (let e = 0; e < edits; e++) {
        const at = rand(s.length + 1);
        switch (rand(4)) {
          case 0: s = s.slice(0, at) + s.slice(at + 1 + rand(5)); break;
          case 1: s = s.slice(0, at) + alphabet[rand(alphabet.length)] + s.slice(at); break;
          case 2: s = s.slice(0, at) + s.slice(rand(s.length), rand(s.length)) + s.slice(at); break;
          default: s = s.slice(0, at); break;
        }
      }
      const r = parseJson(s);
      assert.ok(Array.isArray(r.problems));
      const findings = lintText(i % 2 ? 'template.json' : 'role.json', s);
      for (const f of findings) assert.ok(f.range.start.line >= 0 && f.range.end.line >= f.range.start.line);
    }
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = rand(200);
      for (let k = 0; k < n; k++) s += alphabet[rand(alphabet.length)];
      parseJson(s);
      lintText('x.json', '{"actions":' + s);
    }
  });
});
