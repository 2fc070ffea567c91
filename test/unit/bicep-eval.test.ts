import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPath, parseBicep } from '../../server/src/lint/bicep';
import type { LocatedValue } from '../../server/src/lint/model';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'bicep', name), 'utf8');

/** A located value without its ranges, `unknown` as '?text', for compact comparisons. */
function plain(v: LocatedValue | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'array': return v.items.map(plain);
    case 'object': return Object.fromEntries(v.properties.map((p) => [p.key, plain(p.value)]));
    case 'unknown': return `?${v.text}`;
    case 'null': return null;
    default: return v.value;
  }
}

/** Evaluates `expr` as the name of a resource, with the given declarations above it. */
function evalExpr(decls: string, expr: string): unknown {
  const parsed = parseBicep(`${decls}\nresource r 'A.B/c@1' = {\n  name: ${expr}\n}\n`);
  assert.deepEqual(parsed.problems, []);
  return plain(getPath(parsed.resources[0].body, 'name'));
}

describe('bicep evaluation', () => {
  it('evaluates literals, var references and param defaults; a param without default stays unknown', () => {
    assert.equal(evalExpr("var a = 'x'\nvar b = a", 'b'), 'x');
    assert.equal(evalExpr("param p string = 'd'", 'p'), 'd');
    assert.equal(evalExpr('param p string', 'p'), '?p');
    assert.deepEqual(evalExpr('', "[1, true, null, 'a', -2]"), [1, true, null, 'a', -2]);
  });

  it('interpolates known parts; one runtime part makes the whole string unknown with its source text', () => {
    assert.equal(evalExpr("var a = 'x'\nvar n = 3", "'${a}-${n}-${true}'"), 'x-3-true');
    assert.equal(evalExpr("var a = 'x'", "'${a}-${uniqueString(a)}'"), "?'${a}-${uniqueString(a)}'");
  });

  it("keeps ''' strings verbatim", () => {
    assert.equal(evalExpr('', "'''\nno ${x} here'''"), 'no ${x} here');
  });

  it('computes concat() and union() of arrays and objects', () => {
    assert.deepEqual(evalExpr("var a = ['x', 'y']", "concat(a, ['z'])"), ['x', 'y', 'z']);
    assert.deepEqual(evalExpr("var a = ['x', 'y']", "union(a, ['y', 'z'])"), ['x', 'y', 'z']);
    assert.deepEqual(evalExpr('', "union({ a: 1, n: { b: 2 } }, { n: { c: 3 } })"), { a: 1, n: { b: 2, c: 3 } });
    assert.equal(evalExpr('', "concat('a', 'b', 1)"), 'ab1');
    // A runtime array inside concat stays one unknown item: the known items can still be checked.
    assert.deepEqual(evalExpr('param extra array', "concat(['x'], extra)"), ['x', '?extra']);
  });

  it('picks the branch of a ternary with a known condition, else stays unknown', () => {
    assert.equal(evalExpr("param env string = 'prod'", "env == 'prod' ? 'big' : 'small'"), 'big');
    assert.equal(evalExpr('param env string', "env == 'prod' ? 'big' : 'small'"), "?env == 'prod' ? 'big' : 'small'");
  });

  it('follows property access, safe access and indexing on known values', () => {
    const decls = "var o = { a: { b: ['x', 'y'] }, 'k-1': 5 }";
    assert.equal(evalExpr(decls, 'o.a.b[1]'), 'y');
    assert.equal(evalExpr(decls, "o['k-1']"), 5);
    assert.equal(evalExpr(decls, 'o.a.b[^1]'), 'y');
    assert.equal(evalExpr(decls, 'o.?missing'), null);
    assert.equal(evalExpr(decls, 'o.missing ?? 7'), '?o.missing ?? 7');
    assert.equal(evalExpr(decls, 'o.?missing ?? 7'), 7);
  });

  it('evaluates operators and a few string functions', () => {
    assert.equal(evalExpr('', '(1 + 2) * 3 - 4 / 2'), 7);
    assert.equal(evalExpr('', "!(1 < 2) || 'A' =~ 'a'"), true);
    assert.equal(evalExpr('', "toLower(format('{0}-{1}', 'A', 2))"), 'a-2');
    assert.equal(evalExpr('', "join(split('a,b', ','), '+')"), 'a+b');
    assert.equal(evalExpr('param p bool', 'false && p'), false);
  });

  it('expands loops over known arrays, with the index and a filter', () => {
    assert.deepEqual(evalExpr("var xs = ['a', 'b', 'c']", "[for (x, i) in xs: '${x}${i}']"), ['a0', 'b1', 'c2']);
    assert.deepEqual(evalExpr("var xs = ['a', 'b', 'c']", "[for x in xs: if (x != 'b') { v: x }]"), [{ v: 'a' }, { v: 'c' }]);
    assert.deepEqual(evalExpr('', '[for i in range(1, 3): i * 10]'), [10, 20, 30]);
  });

  it('evaluates a loop over a runtime array once, with the loop variable unknown', () => {
    assert.deepEqual(evalExpr('param xs array', "[for x in xs: { id: x, k: 'fixed' }]"), [{ id: '?x', k: 'fixed' }]);
  });

  it('leaves guid(), uniqueString() and other deployment-time values unknown', () => {
    assert.equal(evalExpr('', "guid('a', 'b')"), "?guid('a', 'b')");
    assert.equal(evalExpr('', 'uniqueString(resourceGroup().id)'), '?uniqueString(resourceGroup().id)');
    assert.equal(evalExpr('', 'resourceGroup().location'), '?resourceGroup().location');
  });

  it('builds resource ids and deployment-scope ids as ARM does, with placeholders for the GUIDs of the deployment', () => {
    const rd = "'Microsoft.Authorization/roleDefinitions'";
    assert.equal(evalExpr('', 'subscription().id'), '/subscriptions/{subscriptionId}');
    assert.equal(evalExpr('', "subscription('s1').id"), '/subscriptions/s1');
    assert.equal(evalExpr('', 'resourceGroup().id'), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}');
    assert.equal(evalExpr('', "resourceGroup('s1', 'rg').id"), '/subscriptions/s1/resourceGroups/rg');
    assert.equal(evalExpr('', 'managementGroup().id'), '/providers/Microsoft.Management/managementGroups/{managementGroupName}');
    assert.equal(evalExpr("var id = 'x'", `subscriptionResourceId(${rd}, id)`), '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(evalExpr("param id string = 'x'", `az.subscriptionResourceId('s1', ${rd}, id)`), '/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(evalExpr('', "resourceId('Microsoft.KeyVault/vaults/keys', 'v', 'k')"), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/v/keys/k');
    assert.equal(evalExpr('', "resourceId('rg', 'Microsoft.KeyVault/vaults', 'v')"), '/subscriptions/{subscriptionId}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v');
    assert.equal(evalExpr('', `tenantResourceId(${rd}, 'x')`), '/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(evalExpr('', `managementGroupResourceId('mg', ${rd}, 'x')`), '/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(evalExpr('', `extensionResourceId(resourceGroup().id, ${rd}, 'x')`),
      '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(evalExpr("var id = 'x'", `'\${subscription().id}/providers/Microsoft.Authorization/roleDefinitions/\${id}'`),
      '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/x');
  });

  it('keeps the runtime parts of a resource id or an interpolation symbolic: unknown, with the known parts shown', () => {
    const parsed = parseBicep(`param sub string
param name string
var id = 'x'
resource r 'A.B/c@1' = {
  name: 'n'
  properties: {
    a: subscriptionResourceId(sub, 'Microsoft.Authorization/roleDefinitions', id)
    b: '/subscriptions/\${sub}/providers/Microsoft.Authorization/roleDefinitions/\${id}'
    c: concat(resourceGroup().id, '/', name)
    d: resourceId(name)
  }
}
`);
    const at = (k: string) => getPath(parsed.resources[0].body, `properties.${k}`);
    const a = at('a'), b = at('b'), c = at('c'), d = at('d');
    assert.ok(a?.kind === 'unknown' && b?.kind === 'unknown' && c?.kind === 'unknown' && d?.kind === 'unknown');
    assert.equal(a.text, "subscriptionResourceId(sub, 'Microsoft.Authorization/roleDefinitions', id)", 'the text stays the source');
    assert.equal(a.symbolic, '/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(b.symbolic, '/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/x');
    assert.equal(c.symbolic, '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/{name}');
    assert.equal(d.symbolic, undefined, 'no resource type: nothing to build');
  });

  it('bounds symbolic text that doubles through a chain of variables', () => {
    const chain = (step: (v: string) => string) =>
      `param p string\nvar v0 = p\n${Array.from({ length: 40 }, (_, i) => `var v${i + 1} = ${step(`v${i}`)}`).join('\n')}`;
    const t0 = performance.now();
    for (const step of [(v: string) => `concat(${v}, ${v})`, (v: string) => `'\${${v}}\${${v}}'`,
      (v: string) => `extensionResourceId(${v}, 'A.B/c', ${v})`]) {
      const v = evalExpr(chain(step), 'v40');
      assert.ok(typeof v === 'string' && v.startsWith('?'), String(v).slice(0, 50));
    }
    // A guard against exponential blow-up (2^40 characters), not a speed target: generous for a loaded machine.
    assert.ok(performance.now() - t0 < 10_000);
  });

  it('survives reference cycles and runaway growth', () => {
    assert.equal(evalExpr('var a = b\nvar b = a', 'a'), '?a');
    const doubling = Array.from({ length: 40 }, (_, i) => `var v${i + 1} = concat(v${i}, v${i})`).join('\n');
    const v = evalExpr(`var v0 = ['x']\n${doubling}`, 'length(v40)');
    assert.equal(v, '?length(v40)');
  });

  it('evaluates the role definition fixture: actions from var references, concat and union', () => {
    const parsed = parseBicep(fixture('roles.bicep'));
    assert.deepEqual(parsed.problems, []);
    const role = parsed.resources.find((r) => r.type === 'Microsoft.Authorization/roleDefinitions');
    assert.ok(role);
    assert.deepEqual(plain(getPath(role.body, 'properties.permissions')), [{
      actions: ['Microsoft.Storage/storageAccounts/read', 'Microsoft.KeyVault/vaults/read', 'Microsoft.Storage/storageAccounts/write', '*'],
      notActions: [],
      dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', '?extraActions'],
    }]);
    assert.equal(plain(getPath(role.body, 'properties.roleName')), 'rampart-Custom Reader');
    assert.equal(plain(getPath(role.body, 'name')), '?guid(subscription().id, roleName)');
    assert.deepEqual(plain(getPath(role.body, 'properties.assignableScopes')), ['/subscriptions/{subscriptionId}']);
    // The '*' keeps the range where it is written (the union() call in a var), for the diagnostic.
    const actions = getPath(role.body, 'properties.permissions');
    const star = actions?.kind === 'array' && actions.items[0].kind === 'object' ? actions.items[0].properties[0].value : undefined;
    assert.ok(star?.kind === 'array');
    assert.deepEqual(star.items[3].range, { start: { line: 13, character: 38 }, end: { line: 13, character: 41 } });
  });

  it('expands a resource loop over a known array into one declaration per item', () => {
    const parsed = parseBicep("var roles = [\n  { n: 'a', actions: ['*'] }\n  { n: 'b', actions: ['x/read'] }\n]\nresource defs 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for r in roles: {\n  name: r.n\n  properties: { permissions: [{ actions: r.actions }] }\n}]\n");
    assert.deepEqual(parsed.resources.map((r) => plain(getPath(r.body, 'properties.permissions'))), [[{ actions: ['*'] }], [{ actions: ['x/read'] }]]);
    assert.ok(parsed.resources.every((r) => r.typeRange.start.line === 4));
  });
});
