/**
 * Writes docs/rules.md from the rule metadata (server/src/lint/rules), so the documentation every diagnostic links
 * to never drifts from the rules. `--check` only compares, exiting 1 when the file is out of date (for CI).
 *
 *   npx tsx scripts/rules-doc.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOCS_PATH, rulesDocument } from '../server/src/lint/rules';

const file = path.resolve(__dirname, '..', DOCS_PATH);
const want = rulesDocument();
let have: string | undefined;
try { have = readFileSync(file, 'utf8'); } catch { have = undefined; }

if (process.argv.includes('--check')) {
  if (have !== want) {
    console.error(`${DOCS_PATH} is out of date with the rules: run npx tsx scripts/rules-doc.ts`);
    process.exit(1);
  }
  console.log(`${DOCS_PATH} is up to date.`);
} else if (have === want) {
  console.log(`${DOCS_PATH} is up to date.`);
} else {
  writeFileSync(file, want);
  console.log(`Wrote ${DOCS_PATH}.`);
}
