import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleDocUrl, RULES, rulesMarkdown } from '../../server/src/lint';
import { DOCS_BASE, DOCS_PATH, repositoryWebUrl, rulesDocument } from '../../server/src/lint/rules';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to '-'. */
const githubAnchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

describe('lint rule documentation', () => {
  it(`${DOCS_PATH} is up to date with the rules (regenerate: npx tsx scripts/rules-doc.ts)`, () => {
    const have = readFileSync(path.join(ROOT, DOCS_PATH), 'utf8');
    assert.ok(have === rulesDocument(), `${DOCS_PATH} is out of date with the rule metadata: run npx tsx scripts/rules-doc.ts`);
  });

  it('documents every rule under a heading whose anchor is the one ruleDocUrl links to', () => {
    const doc = rulesDocument();
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => githubAnchor(m[1])));
    for (const r of RULES) {
      const url = ruleDocUrl(r.id);
      const anchor = url.slice(url.indexOf('#') + 1);
      assert.ok(anchors.has(anchor), `${r.id}: no heading for #${anchor}`);
      assert.ok(doc.includes(`](#${anchor})`), `${r.id}: the table links to its section`);
      assert.ok(doc.includes(r.explanation) && doc.includes(r.fix));
    }
    assert.ok(rulesMarkdown().startsWith('## Lint rules'));
  });

  it("links to docs/rules.md under package.json's repository URL", () => {
    const web = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    assert.equal(DOCS_BASE, `${web}/blob/main/docs/rules.md`);
    assert.equal(ruleDocUrl('RP001'), `${web}/blob/main/docs/rules.md#rp001-no-wildcard-actions`);
    assert.equal(ruleDocUrl('RP020'), `${web}/blob/main/docs/rules.md#rp020-privileged-role-assignment`);
  });

  it('derives the web address from the usual forms of repository.url', () => {
    for (const url of ['https://github.com/o/r.git', 'git+https://github.com/o/r.git', 'https://github.com/o/r', 'https://github.com/o/r/',
      'git@github.com:o/r.git', 'git+ssh://git@github.com/o/r.git', 'git://github.com/o/r.git']) {
      assert.equal(repositoryWebUrl(url), 'https://github.com/o/r', url);
    }
  });
});
