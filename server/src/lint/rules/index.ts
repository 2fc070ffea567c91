/** The rule registry: every rule's metadata (for SARIF, docs and the editor) and the checks in a fixed order. */
import { assignmentRules, RP020, RP021, RP022 } from './assignments';
import { driftRules, RP030 } from './drift';
import { escalationRules, RP003, RP004 } from './escalation';
import { operationMetas, operationRules } from './operations';
import { resourceRules, RP101, RP102, RP103, RP104, RP105, RP106 } from './resources';
import { RP005, RP006, scopeRules } from './scopes';
import type { Rule, RuleMeta } from './types';
import { repository } from '../../../../package.json';

export const RP000: RuleMeta = {
  id: 'RP000', name: 'syntax', severity: 'error',
  summary: 'The file cannot be parsed here.',
  explanation: 'A syntax error stops Azure from deploying the file. Rampart reports it and keeps analysing what it could read.',
  fix: 'Correct the syntax at the position shown.',
};

/** Every rule's metadata, ordered by id. */
export const RULES: readonly RuleMeta[] = [RP000, ...operationMetas, RP003, RP004, RP005, RP006, RP020, RP021, RP022,
  RP030, RP101, RP102, RP103, RP104, RP105, RP106].sort((a, b) => a.id.localeCompare(b.id));

/** The checks, in the order findings are produced. */
export const CHECKS: readonly Rule[] = [...operationRules, ...escalationRules, ...scopeRules, ...assignmentRules, ...driftRules, ...resourceRules];

const byId = new Map(RULES.map((r) => [r.id, r]));

/** A rule's metadata by id. */
export function ruleMeta(id: string): RuleMeta | undefined { return byId.get(id); }

/** The rule reference, generated from this file's metadata by scripts/rules-doc.ts (checked by a unit test). */
export const DOCS_PATH = 'docs/rules.md';

/**
 * The repository's web address from a package.json `repository.url`: `git+https://host/o/r.git`, `https://host/o/r`
 * and `git@host:o/r.git` all give `https://host/o/r`.
 */
export function repositoryWebUrl(url: string = repository.url): string {
  return url.trim()
    .replace(/^git\+/, '')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/^(?:git|ssh):\/\/(?:[^@/]+@)?/, 'https://')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

/** Where the rules are documented: docs/rules.md on the main branch of the repository named in package.json. */
export const DOCS_BASE = `${repositoryWebUrl()}/blob/main/${DOCS_PATH}`;

/** A rule's heading anchor in the rules document (`rp001-no-wildcard-actions`), as GitHub derives it. */
function anchor(m: RuleMeta): string { return `${m.id}-${m.name}`.toLowerCase(); }

/** The documentation link of a rule (`…/blob/main/docs/rules.md#rp001-no-wildcard-actions`). */
export function ruleDocUrl(id: string): string {
  const m = byId.get(id);
  return `${DOCS_BASE}#${m ? anchor(m) : id.toLowerCase()}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The section documenting every rule (headings match ruleDocUrl's anchors). */
export function rulesMarkdown(): string {
  const rows = RULES.map((r) => `| [${r.id}](#${anchor(r)}) | ${r.name} | ${r.severity} | ${cell(r.summary)} |`);
  const sections = RULES.map((r) => `### ${r.id} ${r.name}\n\n${r.summary}\n\n**Why:** ${r.explanation}\n\n**Fix:** ${r.fix}\n`);
  return ['## Lint rules', '', '| id | name | severity | finding |', '| --- | --- | --- | --- |', ...rows, '', ...sections].join('\n');
}

/** The whole of docs/rules.md, as scripts/rules-doc.ts writes it. */
export function rulesDocument(): string {
  return [
    '<!-- Generated from server/src/lint/rules by `npx tsx scripts/rules-doc.ts`: do not edit by hand. -->',
    '# Rampart lint rules',
    '',
    'The least-privilege analyzer checks role-definition JSON, ARM templates and Bicep files. Each finding names its',
    'rule; rule ids are stable. Silence a rule on one line with `// rampart-disable-next-line RPxxx` (Bicep), or for',
    'files and folders with `disable` and `overrides` in `.rampartrc.json`.',
    '',
    rulesMarkdown(),
  ].join('\n');
}
