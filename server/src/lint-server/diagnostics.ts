/** A finding as an LSP diagnostic: source 'rampart', the rule id as code, linked to the rule's documentation. */
import { type Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import { ruleDocUrl, type Finding, type Severity } from '../lint';

export const SOURCE = 'rampart';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    source: SOURCE,
    code: f.ruleId,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    message: f.message,
  };
  // A redundant entry is faded; a retired operation struck through.
  if (f.ruleId === 'RP011') d.tags = [DiagnosticTag.Unnecessary];
  else if (f.ruleId === 'RP010') d.tags = [DiagnosticTag.Deprecated];
  return d;
}
