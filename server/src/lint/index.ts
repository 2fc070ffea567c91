/**
 * The least-privilege analyzer's entry point: `lintText` turns a file's text into findings. Pure (no editor, no
 * connection, no file system) so the daemon, the CLI and tests call the same function.
 */
import { configFor, type RampartConfig } from './config';
import { parseIacFile } from './detect';
import type { ParsedIacFile, Range } from './model';
import { CHECKS, RP000 } from './rules';
import type { Finding, FindingData, LintContext, RuleMeta, Severity, TenantRole } from './rules/types';
import { assignmentViews, roleViews } from './views';

export type { Finding, FindingData, RuleMeta, Severity, TenantRole } from './rules/types';
export { RULES, ruleDocLine, ruleMeta, rulesMarkdown, ruleWebUrl } from './rules';
export { describeOperation, expandWildcard, nearestOperation, allOperations } from './catalog';
export { parseConfig, type RampartConfig } from './config';

export interface LintOptions {
  /** The .rampartrc.json in force, and the file's path relative to the folder holding it ('/'-separated). */
  config?: RampartConfig;
  relativePath?: string;
  /** Lint as JSON whatever the extension (a user glob or the editor's language said so). */
  forceJson?: boolean;
  /** The synced tenants' role definitions: RP030 (role-drift) compares the file's roles with them. */
  tenantRoles?: readonly TenantRole[];
}

/** Lints one file's text. Returns [] for files Rampart does not lint. Never throws on any input. */
export function lintText(pathOrUri: string, text: string, options: LintOptions = {}): Finding[] {
  const { ignored, disabled } = configFor(options.config, options.relativePath ?? pathOrUri);
  if (ignored) return [];
  let file: ParsedIacFile | undefined;
  try {
    file = parseIacFile(pathOrUri, text, { forceJson: options.forceJson });
  } catch (e) {
    return [{ ruleId: RP000.id, severity: 'error', message: `Rampart could not read this file: ${(e as Error).message}`, range: zero() }];
  }
  return file ? lintParsed(file, disabled, options.tenantRoles) : [];
}

/**
 * Runs every rule over an already parsed file (the daemon can keep parses). `disabled` rule ids are skipped;
 * `tenantRoles`, when known, let RP030 compare the file's role definitions with the synced tenants'.
 */
export function lintParsed(file: ParsedIacFile, disabled: ReadonlySet<string> = new Set(), tenantRoles?: readonly TenantRole[]): Finding[] {
  const findings: Finding[] = [];
  const suppressed = new Map<number, Set<string>>();
  // A loop deploys one resource per item, all written in one place: the same finding on each is reported once.
  const seen = new Set<string>();
  for (const s of file.suppressions) suppressed.set(s.line, new Set(s.rules.map((r) => r.toUpperCase())));
  const report = (meta: RuleMeta, range: Range, message: string, data?: FindingData, severity?: Severity) => {
    if (disabled.has(meta.id)) return;
    const sup = suppressed.get(range.start.line);
    // A bare `rampart-disable-next-line` (no ids) silences every rule on that line.
    if (sup && (sup.size === 0 || sup.has(meta.id))) return;
    const key = `${meta.id} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ ruleId: meta.id, severity: severity ?? meta.severity, message, range, ...(data ? { data } : {}) });
  };
  for (const p of file.problems) report(RP000, p.range, p.message);
  const byType = new Map<string, typeof file.resources>();
  for (const r of file.resources) {
    // A reference to a resource deployed elsewhere (`existing`) is not judged: this file does not set it.
    if (r.existing) continue;
    const k = r.type.toLowerCase();
    byType.set(k, [...(byType.get(k) ?? []), r]);
  }
  const ctx: LintContext = {
    file, roles: roleViews(file), assignments: assignmentViews(file), tenantRoles,
    resourcesOfType: (t) => byType.get(t.toLowerCase()) ?? [], report,
  };
  for (const rule of CHECKS) {
    try {
      rule.check(ctx);
    } catch (e) {
      // One rule's bug must not hide the others' findings.
      report(RP000, zero(), `Rule ${rule.meta.id} failed on this file: ${(e as Error).message}`);
    }
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId));
}

function zero(): Range { return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }; }
