import { strict as assert } from 'node:assert';
import { lintText } from '../../server/src/lint';
import { FORMATS, type Perms, lintFixture, textAt, unquoted } from './lint-helpers';

const B = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';

/** Each permission rule: cases that must report on the element `at`, and cases that must not report the rule. */
const CASES: { rule: string; pos: { perms: Perms; at: string; severity?: string; suggestion?: string }[]; neg: Perms[] }[] = [
  { rule: 'RP001', pos: [{ perms: { actions: ['*'] }, at: '*', severity: 'error' }],
    neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'] }, { actions: ['*/read'] }] },
  { rule: 'RP002', pos: [
    { perms: { actions: ['Microsoft.Storage/*'] }, at: 'Microsoft.Storage/*', severity: 'warning' },
    { perms: { actions: ['*/write'] }, at: '*/write', severity: 'warning' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/*'] }, at: 'Microsoft.Compute/virtualMachines/*', severity: 'information' },
    { perms: { dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'] }, at: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*', severity: 'information' },
  ], neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'] }, { actions: ['*'] }, { actions: ['Microsoft.Compute/virtualMachines/read'], notActions: ['Microsoft.Compute/*'] }] },
  { rule: 'RP003', pos: [
    { perms: { actions: ['Microsoft.Authorization/roleAssignments/write'] }, at: 'Microsoft.Authorization/roleAssignments/write', severity: 'error' },
    { perms: { actions: ['Microsoft.Authorization/*'] }, at: 'Microsoft.Authorization/*' },
    { perms: { actions: ['Microsoft.Authorization/elevateAccess/action'] }, at: 'Microsoft.Authorization/elevateAccess/action' },
  ], neg: [
    { actions: ['Microsoft.Authorization/*/read'] },
    { actions: ['Microsoft.Authorization/*'], notActions: ['Microsoft.Authorization/*/write', 'Microsoft.Authorization/*/delete', 'Microsoft.Authorization/elevateAccess/action'] },
  ] },
  { rule: 'RP004', pos: [{ perms: { actions: ['Microsoft.Compute/*'], notActions: ['Microsoft.Compute/virtualMachines/delete'] }, at: 'notActions', severity: 'warning' }],
    neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'], notActions: ['Microsoft.Compute/virtualMachines/delete'] }, { actions: ['Microsoft.Compute/*'] }] },
  { rule: 'RP005', pos: [
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['/'] }, at: '/', severity: 'error' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['/subscriptions/*'] }, at: '/subscriptions/*' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['subscriptions/abc'] }, at: 'subscriptions/abc' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['/providers/Microsoft.Management/managementGroups/a', '/providers/Microsoft.Management/managementGroups/b'] }, at: '/providers/Microsoft.Management/managementGroups/b' },
  ], neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'] }, { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['/subscriptions/00000000-0000-0000-0000-000000000001'] }] },
  { rule: 'RP006', pos: [{ perms: { actions: ['Microsoft.Compute/virtualMachines/read'], scopes: ['/providers/Microsoft.Management/managementGroups/corp'] }, at: '/providers/Microsoft.Management/managementGroups/corp', severity: 'warning' }],
    neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'] }] },
  { rule: 'RP007', pos: [
    { perms: { actions: [B] }, at: B, severity: 'error' },
    { perms: { dataActions: ['Microsoft.Storage/storageAccounts/read'] }, at: 'Microsoft.Storage/storageAccounts/read' },
    { perms: { actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'] }, at: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*' },
  ], neg: [{ dataActions: [B] }, { actions: ['Microsoft.Storage/storageAccounts/read'] }] },
  { rule: 'RP008', pos: [
    { perms: { actions: ['Microsoft.Storage/storageAcounts/read'] }, at: 'Microsoft.Storage/storageAcounts/read', severity: 'warning', suggestion: 'Microsoft.Storage/storageAccounts/read' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read'], notActions: ['Microsoft.Compute/virtualMachine/delete'] }, at: 'Microsoft.Compute/virtualMachine/delete', suggestion: 'Microsoft.Compute/virtualMachines/delete' },
    { perms: { actions: ['Microsoft.Storage/nothingHere/*'] }, at: 'Microsoft.Storage/nothingHere/*' },
  ], neg: [{ actions: ['microsoft.storage/STORAGEACCOUNTS/read'] }] },
  { rule: 'RP009', pos: [
    { perms: { actions: ['Microsoft.Storage/ storageAccounts/read'] }, at: 'Microsoft.Storage/ storageAccounts/read', severity: 'error' },
    { perms: { actions: ['Microsoft.Storage/storageAccounts/read '] }, at: 'Microsoft.Storage/storageAccounts/read ', suggestion: 'Microsoft.Storage/storageAccounts/read' },
    { perms: { actions: ['Microsoft.*/*/read'] }, at: 'Microsoft.*/*/read' },
    { perms: { actions: ['Microsoft.Storage//read'] }, at: 'Microsoft.Storage//read' },
    { perms: { actions: ['read'] }, at: 'read' },
  ], neg: [{ actions: ['*/read', 'Microsoft.Support/*', 'Microsoft.Compute/virtualMachines/start/action'] }] },
  { rule: 'RP010', pos: [{ perms: { actions: ['Microsoft.ClassicCompute/virtualMachines/read'] }, at: 'Microsoft.ClassicCompute/virtualMachines/read', severity: 'warning' }],
    neg: [{ actions: ['Microsoft.Compute/virtualMachines/read'] }] },
  { rule: 'RP011', pos: [
    { perms: { actions: ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/READ'] }, at: 'Microsoft.Compute/virtualMachines/READ', severity: 'information' },
    { perms: { actions: ['Microsoft.Compute/virtualMachines/*', 'Microsoft.Compute/virtualMachines/read'] }, at: 'Microsoft.Compute/virtualMachines/read' },
  ], neg: [{ actions: ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/write'] }] },
];

describe('lint rules on role definitions, in every format', () => {
  for (const [format, make] of Object.entries(FORMATS)) {
    describe(format, () => {
      for (const c of CASES) {
        it(`${c.rule}: reports on the element at fault, and not on the negative cases`, () => {
          for (const p of c.pos) {
            const [name, text] = make(p.perms);
            const found = lintText(name, text).filter((f) => f.ruleId === c.rule);
            const hit = found.find((f) => unquoted(text, f.range).toLowerCase() === p.at.toLowerCase());
            assert.ok(hit, `${c.rule} expected on '${p.at}' in ${format}; got ${JSON.stringify(found.map((f) => unquoted(text, f.range)))}\n${text}`);
            if (p.severity) assert.equal(hit.severity, p.severity);
            if (p.suggestion) assert.equal(hit.data?.suggestion, p.suggestion);
          }
          for (const n of c.neg) {
            const [name, text] = make(n);
            const found = lintText(name, text).filter((f) => f.ruleId === c.rule);
            assert.deepEqual(found.map((f) => f.message), [], `${c.rule} not expected for ${JSON.stringify(n)} in ${format}`);
          }
        });
      }
      it('a least-privilege role produces nothing', () => {
        const [name, text] = make({ actions: ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/start/action'], dataActions: [B] });
        assert.deepEqual(lintText(name, text), []);
      });
    });
  }

  it('PowerShell-style keys in any case are read', () => {
    const text = JSON.stringify({ name: 'x', isCustom: true, ACTIONS: ['*'], assignablescopes: ['/'] });
    assert.deepEqual(lintText('r.json', text).map((f) => f.ruleId).sort(), ['RP001', 'RP003', 'RP005']);
  });
});

describe('lint rules on ARM templates and Bicep files (assignments and resources)', () => {
  const expected: [string, string, string][] = [
    ['RP001', 'error', '*'], ['RP003', 'error', '*'], ['RP004', 'warning', 'notActions'], ['RP005', 'error', '/'],
    ['RP022', 'warning', 'properties'], ['RP101', 'warning', 'true'], ['RP102', 'information', 'Enabled'],
    ['RP103', 'warning', 'properties'], ['RP105', 'information', 'false'], ['RP104', 'warning', 'properties'], ['RP106', 'information', ''],
  ];
  for (const file of ['arm-bad.json', 'bicep-bad.bicep']) {
    it(`${file}: every expected finding, on its element`, () => {
      const found = lintFixture(file);
      for (const [rule, severity, at] of expected) {
        const hit = found.find((f) => f.ruleId === rule && (at === '' || f.at === at || (at === '*' && f.at.includes("'*'"))));
        assert.ok(hit, `${rule} on '${at}' in ${file}: ${JSON.stringify(found.map((f) => [f.ruleId, f.at]))}`);
        assert.equal(hit.severity, severity);
      }
      assert.equal(found.filter((f) => f.ruleId === 'RP104').length, 2, 'a key without rotation and a secret without expiry');
      assert.ok(found.find((f) => f.ruleId === 'RP020' && /Owner/.test(f.message)), 'Owner assignment');
    });
  }
  for (const file of ['arm-good.json', 'bicep-good.bicep', 'role-az-good.json', 'role-rest-good.json']) {
    it(`${file}: a least-privilege file produces nothing`, () => assert.deepEqual(lintFixture(file).map((f) => `${f.ruleId} ${f.message}`), []));
  }

  it('ARM: RP020 recognizes the role however the id is built; RP021 at subscription scope; RP005 nowhere else', () => {
    const found = lintFixture('arm-bad.json');
    const roles = found.filter((f) => f.ruleId === 'RP020').map((f) => f.message.match(/built-in (.+?) role/)![1]).sort();
    assert.deepEqual(roles, ['Contributor', 'Owner', 'User Access Administrator']);
    const rp021 = found.filter((f) => f.ruleId === 'RP021');
    assert.deepEqual(rp021.map((f) => f.at), ['[subscription().id]']);
    assert.ok(found.find((f) => f.ruleId === 'RP020' && f.at === "[variables('contributorId')]"), 'the finding sits on the assignment, not the variable');
  });

  it('ARM: a subscription-scope template makes every assignment broad; RBAC Administrator by literal id', () => {
    const text = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      resources: [{ type: 'Microsoft.Authorization/roleAssignments', name: 'a', properties: {
        roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/f58310d9-a9f6-439a-9e8d-f62e7b41a168', principalId: 'p', principalType: 'User' } }],
    }, null, 1);
    const ids = lintText('t.json', text).map((f) => f.ruleId);
    assert.deepEqual(ids.sort(), ['RP020', 'RP021']);
  });

  it('ARM: nested deployments, resource-id helpers and languageVersion 2.0 symbolic resources', () => {
    const text = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', languageVersion: '2.0',
      resources: { d: { type: 'Microsoft.Resources/deployments', name: 'd', properties: { template: { resources: [
        { type: 'Microsoft.Authorization/roleAssignments', name: 'x', properties: { principalType: 'User', principalId: 'p',
          roleDefinitionId: "[resourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]" } },
      ] } } } },
    }, null, 1);
    assert.deepEqual(lintText('t.json', text).map((f) => f.ruleId), ['RP020']);
  });

  it('Bicep: targetScope subscription makes an assignment broad (RP021)', () => {
    const text = `targetScope = 'subscription'
resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('a')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
    principalId: 'p'
    principalType: 'Group'
  }
}
`;
    assert.deepEqual(lintText('m.bicep', text).map((f) => f.ruleId), ['RP021']);
  });

  it('Bicep: RP020 through a variable holding the GUID (the evaluator folds subscriptionResourceId)', () => {
    const found = lintFixture('bicep-bad.bicep').filter((f) => f.ruleId === 'RP020');
    assert.deepEqual(found.map((f) => f.at), [
      "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')",
      "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ownerId)",
    ]);
  });

  describe('Bicep: RP020 whatever builds the role id', () => {
    const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
    const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
    const assignment = (roleId: string, head = '') => `${head}
resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('a')
  properties: {
    roleDefinitionId: ${roleId}
    principalId: 'p'
    principalType: 'Group'
  }
}
`;
    const rp020 = (text: string) => {
      const found = lintText('m.bicep', text);
      return found.filter((f) => f.ruleId === 'RP020').map((f) => ({ at: textAt(text, f.range), message: f.message }));
    };
    const cases: [string, string, string][] = [
      ['a var', `var ownerRoleId = '${OWNER}'`, "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ownerRoleId)"],
      ['a param default', `param roleId string = '${OWNER}'`, "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)"],
      ['resourceId()', `var r = '${OWNER}'`, "resourceId('Microsoft.Authorization/roleDefinitions', r)"],
      ['tenantResourceId()', `var r = '${OWNER}'`, "tenantResourceId('Microsoft.Authorization/roleDefinitions', r)"],
      ['managementGroupResourceId()', `var r = '${OWNER}'`, "managementGroupResourceId('Microsoft.Authorization/roleDefinitions', r)"],
      ['extensionResourceId()', `var r = '${OWNER}'`, "extensionResourceId(subscription().id, 'Microsoft.Authorization/roleDefinitions', r)"],
      ['interpolation with subscription().id', `var r = '${OWNER}'`, "'${subscription().id}/providers/Microsoft.Authorization/roleDefinitions/${r}'"],
      ['concat() with subscription().id', `var r = '${OWNER}'`, "concat(subscription().id, '/providers/Microsoft.Authorization/roleDefinitions/', r)"],
      ['a runtime subscription around a var GUID', `param sub string\nvar r = '${OWNER}'`, "subscriptionResourceId(sub, 'Microsoft.Authorization/roleDefinitions', r)"],
      ['an interpolation with a runtime part', `param sub string\nvar r = '${OWNER}'`, "'/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${r}'"],
      ['an object of role ids', `var roles = {\n  owner: '${OWNER}'\n}`, "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.owner)"],
    ];
    for (const [what, head, expr] of cases) {
      it(`through ${what}`, () => {
        const found = rp020(assignment(expr, head));
        assert.deepEqual(found.map((f) => f.at), [expr]);
        assert.match(found[0].message, /Owner/);
      });
    }

    it('not for a narrow role, however built', () => {
      assert.deepEqual(rp020(assignment("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)", `var r = '${READER}'`)), []);
      assert.deepEqual(rp020(assignment("'${subscription().id}/providers/Microsoft.Authorization/roleDefinitions/${r}'", `param r string = '${READER}'`)), []);
      assert.deepEqual(rp020(assignment("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)", 'param r string')), []);
    });

    it('a loop over known role ids: one finding per privileged role, on the id expression', () => {
      const text = `var roleIds = [
  '${READER}'
  '${OWNER}'
  '${CONTRIBUTOR}'
  '${OWNER}'
]
resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (id, i) in roleIds: {
  name: guid('a', string(i))
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', id)
    principalId: 'p'
    principalType: 'Group'
  }
}]
`;
      const found = rp020(text);
      assert.deepEqual(found.map((f) => f.at), Array(2).fill("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', id)"));
      assert.deepEqual(found.map((f) => /Owner|Contributor/.exec(f.message)?.[0]).sort(), ['Contributor', 'Owner']);
    });
  });

  it('Bicep: an explicit scope built by subscription(), resourceGroup() or a symbolic id is judged by its level (RP021)', () => {
    const withScope = (scope: string, head = '') => `${head}
resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('a')
  scope: ${scope}
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
    principalId: 'p'
    principalType: 'Group'
  }
}
`;
    const rp021 = (text: string) => lintText('m.bicep', text).filter((f) => f.ruleId === 'RP021').map((f) => textAt(text, f.range));
    assert.deepEqual(rp021(withScope('subscription()')), ['subscription()']);
    assert.deepEqual(rp021(withScope("'/subscriptions/${sub}'", 'param sub string')), ["'/subscriptions/${sub}'"]);
    assert.deepEqual(rp021(withScope("resourceGroup('rg')")), []);
    assert.deepEqual(rp021(withScope("'/subscriptions/${sub}/resourceGroups/rg'", 'param sub string')), []);
    assert.deepEqual(rp021(withScope('storage')), []);
  });

  it('ARM: a resource id with a runtime subscription still shows the GUID of a variable (RP020)', () => {
    const text = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      parameters: { sub: { type: 'string' } },
      variables: { owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' },
      resources: [{ type: 'Microsoft.Authorization/roleAssignments', name: 'x', properties: { principalType: 'User', principalId: 'p',
        roleDefinitionId: "[subscriptionResourceId(parameters('sub'), 'Microsoft.Authorization/roleDefinitions', variables('owner'))]" } }],
    }, null, 1);
    assert.deepEqual(lintText('t.json', text).map((f) => f.ruleId), ['RP020']);
  });
});

describe('existing resources (references to resources deployed elsewhere)', () => {
  it('Bicep: an existing vault, role definition or assignment is not judged; a child deployed under it is', () => {
    const text = `resource kv 'Microsoft.KeyVault/vaults@2023-02-01' existing = {
  name: 'kv'
  resource s 'secrets' = {
    name: 's'
    properties: {}
  }
}
resource rd 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  name: 'x'
  properties: {
    permissions: [{ actions: ['*'] }]
  }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' existing = {
  name: 'y'
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
  }
}
resource pip 'Microsoft.Network/publicIPAddresses@2023-04-01' existing = {
  name: 'pip'
}
`;
    assert.deepEqual(lintText('m.bicep', text).map((f) => f.ruleId), ['RP104']);
    const deployed = text.replace(/ existing =/g, ' =');
    const ids = new Set(lintText('m.bicep', deployed).map((f) => f.ruleId));
    for (const id of ['RP001', 'RP020', 'RP022', 'RP103', 'RP104', 'RP106']) assert.ok(ids.has(id), `${id} when deployed`);
  });

  it('ARM languageVersion 2.0: "existing": true is not judged', () => {
    const template = (existing: boolean) => JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', languageVersion: '2.0',
      resources: { kv: { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-02-01', name: 'kv', ...(existing ? { existing: true } : { properties: {} }) } },
    }, null, 1);
    assert.deepEqual(lintText('t.json', template(true)), []);
    assert.deepEqual(lintText('t.json', template(false)).map((f) => f.ruleId), ['RP103']);
  });
});

describe('suppressions', () => {
  it('Bicep: // rampart-disable-next-line silences the named rule on the next line only', () => {
    const text = `resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: 'x'
  properties: {
    permissions: [
      {
        actions: [
          // rampart-disable-next-line RP001 RP003
          '*'
          'Microsoft.Storage/*'
        ]
      }
    ]
  }
}
`;
    const ids = lintText('m.bicep', text).map((f) => f.ruleId);
    assert.ok(!ids.includes('RP001') && !ids.includes('RP003'), ids.join());
    assert.ok(ids.includes('RP002'));
  });

  it('.rampartrc.json: disable, overrides by glob, and ignore', () => {
    const text = JSON.stringify({ Name: 'x', Actions: ['*', 'Microsoft.Storage/*'], AssignableScopes: ['/'] });
    const ids = (config: object, rel = 'roles/a.json') => lintText('roles/a.json', text, { config, relativePath: rel }).map((f) => f.ruleId);
    assert.ok(!ids({ disable: ['RP001'] }).includes('RP001'));
    assert.ok(ids({ disable: ['RP001'] }).includes('RP005'));
    assert.ok(!ids({ overrides: [{ files: 'roles/*.json', disable: ['RP005'] }] }).includes('RP005'));
    assert.ok(ids({ overrides: [{ files: 'other/*.json', disable: ['RP005'] }] }).includes('RP005'));
    assert.deepEqual(ids({ ignore: ['roles/**'] }), []);
    assert.deepEqual(ids({ ignore: ['a.json'] }), [], 'a glob without / matches the file name at any depth');
  });
});
