import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toSarif } from '../../server/src/cli/sarif';
import { lintText, ruleDocLine, RULES, rulesMarkdown, ruleWebUrl } from '../../server/src/lint';
import { DOCS_PATH, REPOSITORY_URL, repositoryWebUrl, rulesDocument } from '../../server/src/lint/rules';
import { ruleDocHref, shippedRulesDoc, toDiagnostic } from '../../server/src/lint-server/diagnostics';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository?: unknown };
const REPO = 'https://github.com/o/r.git';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to '-'. */
const githubAnchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

describe('lint rule documentation', () => {
  it(`${DOCS_PATH} is up to date with the rules (regenerate: npx tsx scripts/rules-doc.ts)`, () => {
    const have = readFileSync(path.join(ROOT, DOCS_PATH), 'utf8');
    assert.ok(have === rulesDocument(), `${DOCS_PATH} is out of date with the rule metadata: run npx tsx scripts/rules-doc.ts`);
  });

  it('documents every rule under a heading: ruleDocLine names its line, ruleWebUrl its anchor', () => {
    const doc = rulesDocument();
    const lines = readFileSync(path.join(ROOT, DOCS_PATH), 'utf8').split('\n');
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => githubAnchor(m[1])));
    for (const r of RULES) {
      assert.equal(lines[ruleDocLine(r.id)! - 1], `### ${r.id} ${r.name}`, r.id);
      const url = ruleWebUrl(r.id, REPO)!;
      const anchor = url.slice(url.indexOf('#') + 1);
      assert.ok(anchors.has(anchor), `${r.id}: no heading for #${anchor}`);
      assert.ok(doc.includes(`](#${anchor})`), `${r.id}: the table links to its section`);
      assert.ok(doc.includes(r.explanation) && doc.includes(r.fix));
    }
    assert.equal(ruleDocLine('RP999'), undefined);
    assert.ok(rulesMarkdown().startsWith('## Lint rules'));
  });

  it('links to the web only with a real repository URL: package.json names none, a placeholder host counts as none', () => {
    assert.equal(pkg.repository, undefined);
    assert.doesNotMatch(readFileSync(path.join(ROOT, 'package.json'), 'utf8'), /example\.invalid/);
    assert.equal(REPOSITORY_URL, undefined);
    assert.equal(ruleWebUrl('RP001'), undefined);
    assert.equal(ruleWebUrl('RP001', 'https://example.invalid/rampart.git'), undefined);
    assert.equal(ruleWebUrl('RP001', REPO), 'https://github.com/o/r/blob/main/docs/rules.md#rp001-no-wildcard-actions');
    assert.equal(ruleWebUrl('RP020', REPO), 'https://github.com/o/r/blob/main/docs/rules.md#rp020-privileged-role-assignment');
  });

  it('derives the web address from the usual forms of repository.url', () => {
    for (const url of ['https://github.com/o/r.git', 'git+https://github.com/o/r.git', 'https://github.com/o/r', 'https://github.com/o/r/',
      'git@github.com:o/r.git', 'git+ssh://git@github.com/o/r.git', 'git://github.com/o/r.git']) {
      assert.equal(repositoryWebUrl(url), 'https://github.com/o/r', url);
    }
  });

  it("a diagnostic's code links to the shipped docs/rules.md at the rule's heading line", () => {
    const [finding] = lintText('role.json', '{ "Name": "r", "Actions": ["*"], "AssignableScopes": ["/subscriptions/x"] }');
    const href = toDiagnostic(finding).codeDescription!.href;
    const m = /^(file:\/\/.+)#L(\d+)$/.exec(href);
    assert.ok(m, href);
    assert.equal(fileURLToPath(m[1]), path.join(ROOT, DOCS_PATH));
    assert.equal(readFileSync(fileURLToPath(m[1]), 'utf8').split('\n')[Number(m[2]) - 1], `### ${finding.ruleId} no-wildcard-actions`);
    assert.equal(ruleDocHref('RP001', null), undefined, 'no shipped file: no link');
  });

  it('finds the docs beside an installed extension (<extension>/dist runs the daemon)', () => {
    const ext = mkdtempSync(path.join(os.tmpdir(), 'rampart-ext-'));
    try {
      mkdirSync(path.join(ext, 'dist'));
      mkdirSync(path.join(ext, 'docs'));
      writeFileSync(path.join(ext, DOCS_PATH), rulesDocument());
      assert.equal(shippedRulesDoc(path.join(ext, 'dist')), path.join(ext, DOCS_PATH));
    } finally {
      rmSync(ext, { recursive: true, force: true });
    }
  });

  it('the extension package (.vscodeignore allow-list) ships docs/rules.md', function () {
    this.timeout(30_000);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.split('\n').includes(DOCS_PATH), r.stdout);
  });

  it('SARIF carries each rule\'s help inline, and a helpUri only with a real repository URL', () => {
    const files = [{ uri: 'role.json', text: '{}', findings: [] }];
    const rulesOf = (log: any) => log.runs[0].tool.driver.rules as any[];
    const without = toSarif(files, 'file:///w/') as any;
    assert.equal(without.runs[0].tool.driver.informationUri, undefined);
    for (const r of rulesOf(without)) {
      assert.equal(r.helpUri, undefined, r.id);
      const meta = RULES.find((x) => x.id === r.id)!;
      assert.ok(r.help.text.includes(meta.explanation) && r.help.text.includes(meta.fix), r.id);
      assert.ok(r.help.markdown.startsWith(`**${meta.id} ${meta.name}**`) && r.help.markdown.includes(meta.fix), r.id);
    }
    const withRepo = toSarif(files, 'file:///w/', REPO) as any;
    assert.equal(withRepo.runs[0].tool.driver.informationUri, 'https://github.com/o/r/blob/main/docs/rules.md');
    assert.equal(rulesOf(withRepo).find((r) => r.id === 'RP030').helpUri, 'https://github.com/o/r/blob/main/docs/rules.md#rp030-role-drift');
    assert.ok(rulesOf(toSarif(files, 'file:///w/', 'https://example.invalid/r.git')).every((r) => r.helpUri === undefined));
  });
});
