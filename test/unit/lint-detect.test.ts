import { strict as assert } from 'node:assert';
import { lintText } from '../../server/src/lint';
import { detectFormat, formatByExtension, isBicepParams, parseIacFile } from '../../server/src/lint/detect';

const PARAMS = `// parameters of main.bicep
using './main.bicep'

param roleIds = [
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'
]
param location = 'westeurope'
param settings = {
  "actions": ["*"]
}
`;

describe('lint file detection', () => {
  it('reads .bicep as Bicep and JSON by content', () => {
    assert.equal(formatByExtension('a/main.bicep'), 'bicep');
    assert.equal(formatByExtension('file:///a/main.BICEP?x=1'), 'bicep');
    assert.equal(formatByExtension('a/t.json'), 'json');
    assert.equal(formatByExtension('a/main.bicepparam'), undefined);
    assert.equal(detectFormat('main.bicep', "resource r 'A.B/c@1' = {\n  name: 'x'\n}\n"), 'bicep');
  });

  it('skips .bicepparam files cleanly: no RP000, whether read as is, as JSON or as Bicep', () => {
    for (const name of ['main.bicepparam', 'file:///w/main.BicepParam', 'main.bicepparam?version=3']) {
      assert.equal(parseIacFile(name, PARAMS), undefined, name);
      assert.deepEqual(lintText(name, PARAMS), [], name);
      assert.deepEqual(lintText(name, PARAMS, { forceJson: true }), [], `${name} forced to JSON`);
    }
    // An editor that calls it Bicep (and a caller that names it .bicep): recognized by its `using` statement.
    assert.deepEqual(lintText('main.bicepparam.bicep', PARAMS), []);
    assert.deepEqual(lintText('untitled:Untitled-1.bicep', "/* p */\nusing none\nparam a = 1\n"), []);
    assert.deepEqual(lintText('x.json', `using './main.bicep'\nparam p = { "deploymentTemplate": 1 }\n`, { forceJson: true }), []);
  });

  it('recognizes a parameters file only by a leading using statement', () => {
    assert.ok(isBicepParams('a.bicepparam'));
    assert.ok(isBicepParams('a.bicep', "\uFEFF// c\n/* d */  using 'main.bicep'\n"));
    assert.ok(isBicepParams('a.bicep', 'using none\n'));
    assert.ok(!isBicepParams('a.bicep', "param using string\nusing 'x'\n"));
    assert.ok(!isBicepParams('a.bicep', "var usingX = 'a'\n"));
    assert.ok(!isBicepParams('a.bicep', '/* unterminated'));
    assert.ok(!isBicepParams('a.bicep'));
    // A .bicep file still lints (and a broken one still reports RP000).
    assert.deepEqual(lintText('a.bicep', 'resource = {\n').map((f) => f.ruleId).slice(0, 1), ['RP000']);
  });
});
