/** The rule registry: every rule's metadata (for SARIF, docs and the editor) and the checks in a fixed order. */
import { assignmentRules, RP020, RP021, RP022 } from './assignments';
import { driftRules, RP030 } from './drift';
import { escalationRules, RP003, RP004 } from './escalation';
import { operationMetas, operationRules } from './operations';
import { resourceRules, RP101, RP102, RP103, RP104, RP105, RP106 } from './resources';
import { RP005, RP006, scopeRules } from './scopes';
import type { Rule, RuleMeta } from './types';
import pkg from '../../../../package.json';

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
export function repositoryWebUrl(url: string): string {
  return url.trim()
    .replace(/^git\+/, '')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/^(?:git|ssh):\/\/(?:[^@/]+@)?/, 'https://')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

const repo = (pkg as { repository?: string | { url?: string } }).repository;
/**
 * package.json's repository URL when a real one is configured: absent, or a reserved placeholder host (`.invalid`,
 * RFC 2606), gives undefined, so no link ever points at a made-up address.
 */
export const REPOSITORY_URL: string | undefined = realUrl(typeof repo === 'string' ? repo : repo?.url);

function realUrl(url: string | undefined): string | undefined {
  return url && !/^[^:]+:\/\/(?:[^/@]*@)?[^/]*\.invalid(?:[:/]|$)/i.test(url.replace(/^git\+/, '')) ? url : undefined;
}

/** A rule's heading anchor in the rules document (`rp001-no-wildcard-actions`), as GitHub derives it. */
function anchor(m: RuleMeta): string { return `${m.id}-${m.name}`.toLowerCase(); }

/**
 * A rule's documentation on the web (`…/blob/main/docs/rules.md#rp001-no-wildcard-actions`) when the repository URL
 * is known (`repository` given, else package.json's); undefined otherwise: no link beats a made-up one.
 */
export function ruleWebUrl(id: string, repository: string | undefined = REPOSITORY_URL): string | undefined {
  if (!realUrl(repository)) return undefined;
  const m = byId.get(id);
  return `${repositoryWebUrl(repository!)}/blob/main/${DOCS_PATH}${id ? `#${m ? anchor(m) : id.toLowerCase()}` : ''}`;
}

let headingLines: Map<string, number> | undefined;

/** The 1-based line of a rule's heading in docs/rules.md (the editor opens the shipped file there). */
export function ruleDocLine(id: string): number | undefined {
  if (!headingLines) {
    headingLines = new Map();
    for (const [i, line] of rulesDocument().split('\n').entries()) {
      const m = /^### (RP\d+) /.exec(line);
      if (m) headingLines.set(m[1], i + 1);
    }
  }
  return headingLines.get(id);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The section documenting every rule (headings match ruleWebUrl's anchors and ruleDocLine's lines). */
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
