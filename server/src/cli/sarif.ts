/** SARIF 2.1.0 output for `rampart lint --format sarif` (code-scanning uploads, CI annotations). */
import { createHash } from 'node:crypto';
import { REPOSITORY_URL, RULES, ruleWebUrl } from '../lint/rules';
import type { Finding, Severity } from '../lint/rules/types';
import { VERSION } from '../version';

export interface FileFindings { /** '/'-separated, relative to the working folder. */ uri: string; text: string; findings: Finding[] }

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/**
 * The SARIF log for a lint run: one run, every rule's metadata, one result per finding with its full region. Each
 * rule carries its help inline (help.text and help.markdown); informationUri and helpUri only when a real repository
 * URL is configured (`repository`, default package.json's), never a placeholder address.
 */
export function toSarif(files: FileFindings[], rootUri: string, repository: string | undefined = REPOSITORY_URL): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results: object[] = [];
  for (const f of files) {
    const lines = f.text.split(/\r\n|\r|\n/);
    const seen = new Map<string, number>();
    for (const x of f.findings) {
      const snippet = textOf(lines, x);
      // Stable across unrelated edits: rule + file + the element's text (whitespace-normalised) + occurrence number.
      const base = `${x.ruleId}\u0000${f.uri}\u0000${snippet.replace(/\s+/g, ' ').trim()}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      results.push({
        ruleId: x.ruleId,
        ruleIndex: ruleIndex.get(x.ruleId) ?? -1,
        level: LEVEL[x.severity],
        message: { text: x.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.uri), uriBaseId: 'SRCROOT' },
            region: {
              startLine: x.range.start.line + 1, startColumn: x.range.start.character + 1,
              endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1,
              snippet: { text: snippet },
            },
          },
        }],
        partialFingerprints: { 'rampartFinding/v1': createHash('sha256').update(`${base}\u0000${n}`).digest('hex').slice(0, 32) },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Rampart', version: VERSION, semanticVersion: VERSION,
          ...(ruleWebUrl('', repository) ? { informationUri: ruleWebUrl('', repository) } : {}),
          rules: RULES.map((r) => ({
            id: r.id, name: r.name,
            shortDescription: { text: r.summary },
            fullDescription: { text: `${r.summary} ${r.explanation}` },
            help: { text: `${r.summary}\n${r.explanation}\nFix: ${r.fix}`, markdown: `**${r.id} ${r.name}**: ${r.summary}\n\n${r.explanation}\n\n**Fix:** ${r.fix}` },
            ...(ruleWebUrl(r.id, repository) ? { helpUri: ruleWebUrl(r.id, repository) } : {}),
            defaultConfiguration: { level: LEVEL[r.severity] },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: rootUri.endsWith('/') ? rootUri : rootUri + '/' } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

function textOf(lines: string[], x: Finding): string {
  const { start, end } = x.range;
  if (start.line === end.line) return (lines[start.line] ?? '').slice(start.character, end.character);
  const out = [(lines[start.line] ?? '').slice(start.character)];
  for (let l = start.line + 1; l < end.line && l < lines.length; l++) out.push(lines[l]);
  out.push((lines[end.line] ?? '').slice(0, end.character));
  return out.join('\n');
}
