/**
 * A finding as an LSP diagnostic: source 'rampart', the rule id as code, linked to the rule's section of the
 * docs/rules.md shipped with the extension (a file: link with the heading's line, which the editor opens there; no
 * network and no made-up web address).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import { ruleDocLine, type Finding, type Severity } from '../lint';
import { DOCS_PATH } from '../lint/rules';

export const SOURCE = 'rampart';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

let shipped: string | null | undefined;

/**
 * docs/rules.md as shipped: the bundle runs from <extension>/dist, the sources from server/src/lint-server; the
 * nearest folder above holding docs/rules.md is the extension's (or the repository's). null when there is none.
 */
export function shippedRulesDoc(from: string = __dirname): string | null {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, DOCS_PATH);
    if (existsSync(file)) return file;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** The link of a rule's documentation: the shipped file at the rule's heading line (`file:///…/rules.md#L42`). */
export function ruleDocHref(id: string, file: string | null = shipped === undefined ? (shipped = shippedRulesDoc()) : shipped): string | undefined {
  if (!file) return undefined;
  const line = ruleDocLine(id);
  return `${pathToFileURL(file).href}${line ? `#L${line}` : ''}`;
}

export function toDiagnostic(f: Finding): Diagnostic {
  const href = ruleDocHref(f.ruleId);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    source: SOURCE,
    code: f.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    message: f.message,
  };
  // A redundant entry is faded; a retired operation struck through.
  if (f.ruleId === 'RP011') d.tags = [DiagnosticTag.Unnecessary];
  else if (f.ruleId === 'RP010') d.tags = [DiagnosticTag.Deprecated];
  return d;
}
