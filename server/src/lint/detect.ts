/**
 * Which reader a file needs, from its extension and content: `.bicep` is Bicep; JSON whose $schema names a deployment
 * template is ARM; JSON with role-definition keys (Actions, permissions) is role JSON; Bicep parameters files
 * (`.bicepparam`, or `using '…'` first) and anything else are not linted.
 */
import { isArmTemplate, isRoleJson, readArmTemplate, readRoleJson } from './arm';
import { parseBicep } from './bicep';
import { parseJson } from './json';
import type { IacFormat, ParsedIacFile } from './model';

/** The format by extension alone, when it decides (Bicep), else undefined (JSON needs its content). */
export function formatByExtension(pathOrUri: string): 'bicep' | 'json' | undefined {
  const p = pathOrUri.toLowerCase().replace(/[?#].*$/, '');
  if (p.endsWith('.bicep')) return 'bicep';
  if (p.endsWith('.json') || p.endsWith('.jsonc')) return 'json';
  return undefined;
}

/**
 * Whether a file is a Bicep parameters file: a `.bicepparam` extension, or (whatever the name or language said)
 * text whose first statement is `using '…'` / `using none`, which only parameters files have. They assign values
 * to a Bicep file's parameters and declare no resources: Rampart does not lint them (neither as Bicep nor as JSON).
 */
export function isBicepParams(pathOrUri: string, text?: string): boolean {
  if (/\.bicepparam$/i.test(pathOrUri.replace(/[?#].*$/, ''))) return true;
  return text !== undefined && startsWithUsing(text);
}

/** The first token after whitespace and comments is `using` followed by a string or `none`. Linear, no regex backtracking. */
function startsWithUsing(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  for (;;) {
    while (i < n && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) { while (i < n && text[i] !== '\n' && text[i] !== '\r') i++; continue; }
    if (text.startsWith('/*', i)) { const end = text.indexOf('*/', i + 2); if (end < 0) return false; i = end + 2; continue; }
    break;
  }
  return /^using(?:\s*'|\s+none\b)/.test(text.slice(i, i + 16));
}

/**
 * Reads a file into the shared model, or returns undefined when it is not something Rampart lints.
 * `forceJson` treats any path as JSON (the editor's language id or a user glob decided it).
 */
export function parseIacFile(pathOrUri: string, text: string, opts: { forceJson?: boolean } = {}): ParsedIacFile | undefined {
  if (isBicepParams(pathOrUri, text)) return undefined;
  const byExt = formatByExtension(pathOrUri) ?? (opts.forceJson ? 'json' : undefined);
  if (byExt === 'bicep') return parseBicep(text);
  if (byExt !== 'json') return undefined;
  // Cheap pre-check so that big unrelated JSON files (package-lock.json) are not parsed at all.
  if (!/deploymentTemplate|"(actions|dataActions|permissions|roleName|assignableScopes)"\s*:/i.test(text)) return undefined;
  const { value, problems } = parseJson(text);
  if (isArmTemplate(value)) return readArmTemplate(value, problems);
  if (isRoleJson(value)) return readRoleJson(value, problems);
  return undefined;
}

/** The format a file would be read as (for status lines and the CLI), without keeping the parse. */
export function detectFormat(pathOrUri: string, text: string): IacFormat | undefined {
  return parseIacFile(pathOrUri, text)?.format;
}
