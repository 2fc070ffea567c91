/**
 * Quick fixes for the findings at a range, each a precise edit of the element at fault: replace a wildcard with
 * operations it grants (read-only first), remove a redundant entry, correct a value to a suggestion (a typo's nearest
 * catalog operation), add a missing property (principalType), and suppress the rule (a Bicep
 * `// rampart-disable-next-line` comment above the line; for JSON, the rule in `.rampartrc.json`'s `disable` list).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type CodeAction, CodeActionKind, type CodeActionParams, type Connection, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../lint';
import { parseJson, prop } from '../lint/json';
import { CONFIG_NAME } from './config';
import { LintDocuments } from './documents';

/** How many single-operation replacements a wildcard offers. */
const MAX_SINGLE = 5;
/** A wildcard's read operations are offered together when there are at most this many. */
const MAX_READS = 40;

export async function codeActions(lint: LintDocuments, connection: Connection, params: CodeActionParams): Promise<CodeAction[]> {
  const only = params.context.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const doc = lint.documents.get(params.textDocument.uri);
  const result = lint.resultFor(params.textDocument.uri);
  if (!doc || !result) return [];
  const out: CodeAction[] = [];
  const suppressed = new Set<string>();
  result.findings.forEach((f, i) => {
    if (!intersects(f.range, params.range)) return;
    const diag = result.diagnostics[i];
    out.push(...fixes(doc, f, diag, lint.isBicep(doc)));
    if (f.data?.narrowScope) out.push(...narrowScope(doc, f, diag, lint.isBicep(doc), lint.syncedSubscriptions()));
    if (lint.isBicep(doc)) {
      const key = `${f.ruleId}:${f.range.start.line}`;
      if (!suppressed.has(key)) { suppressed.add(key); out.push(...suppressBicep(doc, f, diag)); }
    }
  });
  // JSON: one "disable in .rampartrc.json" per rule at the range.
  if (!lint.isBicep(doc)) {
    const rules = [...new Set(result.findings.filter((f) => intersects(f.range, params.range) && f.ruleId !== 'RP000').map((f) => f.ruleId))];
    for (const rule of rules) {
      const a = await suppressJson(lint, connection, doc, rule, result.diagnostics.filter((d) => d.code === rule && intersects(d.range, params.range)));
      if (a) out.push(a);
    }
  }
  return out;
}

function fixes(doc: TextDocument, f: Finding, diag: Diagnostic, bicep: boolean): CodeAction[] {
  const out: CodeAction[] = [];
  const action = (title: string, edits: TextEdit[], preferred = false): CodeAction => ({
    title, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [doc.uri]: edits } }, ...(preferred ? { isPreferred: true } : {}),
  });
  const literal = stringLiteral(doc, f.range);
  const data = f.data;
  if (f.ruleId === 'RP001' && literal) {
    // '*' in Actions: the read-only wildcard is the usual narrowing (what Reader grants); RP002 then asks for more.
    out.push(action(`Replace '*' with '*/read' (read-only)`, [{ range: f.range, newText: quoteAs(literal.quote, '*/read') }], true));
  }
  if (data?.replacements?.length && literal) {
    const reads = data.replacements.filter((r) => /\/read$/i.test(r));
    data.replacements.slice(0, MAX_SINGLE).forEach((r, i) => {
      out.push(action(`Replace '${literal.value}' with '${r}'`, [{ range: f.range, newText: quoteAs(literal.quote, r) }], i === 0));
    });
    if (reads.length > 1 && reads.length <= MAX_READS) {
      out.push(action(`Replace '${literal.value}' with its ${reads.length} read operations`, [replaceWithMany(doc, f.range, literal.quote, reads, bicep)]));
    }
  }
  if (data?.suggestion !== undefined) {
    const newText = literal ? quoteAs(literal.quote, data.suggestion) : data.suggestion;
    out.push(action(`Change to '${data.suggestion}'`, [{ range: f.range, newText }], true));
  }
  if (data?.remove) {
    const what = literal ? `'${literal.value}'` : 'the entry';
    out.push(action(`Remove ${what}`, [removeEntry(doc, f.range, bicep)], !data.suggestion));
  }
  if (data?.addProperty?.values.length) {
    const { key, values } = data.addProperty;
    for (const [i, v] of values.entries()) {
      const edit = addProperty(doc, f.range, key, v, bicep);
      if (edit) out.push(action(`Add ${key}: ${bicep ? `'${v}'` : JSON.stringify(v)}`, [edit], i === 0));
    }
  }
  return out;
}

/** Subscriptions offered one by one when narrowing a scope; all of them together is offered as well. */
const MAX_SUBSCRIPTIONS = 5;
/** What narrowing offers when no subscription was synced: a well-formed scope to fill in. */
export const SUBSCRIPTION_PLACEHOLDER = '/subscriptions/{subscriptionId}';

/** A management group or root assignable scope narrowed to the synced subscriptions, or to a placeholder. */
export function narrowScope(doc: TextDocument, f: Finding, diag: Diagnostic, bicep: boolean, subs: readonly { subscriptionId: string; name: string }[]): CodeAction[] {
  const literal = stringLiteral(doc, f.range);
  if (!literal) return [];
  const action = (title: string, edit: TextEdit, preferred = false): CodeAction => ({
    title, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [doc.uri]: [edit] } }, ...(preferred ? { isPreferred: true } : {}),
  });
  if (!subs.length) {
    return [action(`Narrow to a subscription (${SUBSCRIPTION_PLACEHOLDER} to fill in)`, { range: f.range, newText: quoteAs(literal.quote, SUBSCRIPTION_PLACEHOLDER) })];
  }
  const scopes = subs.map((s) => `/subscriptions/${s.subscriptionId}`);
  const out = subs.slice(0, MAX_SUBSCRIPTIONS).map((s, i) =>
    action(`Narrow to subscription '${s.name}' (${s.subscriptionId})`, { range: f.range, newText: quoteAs(literal.quote, scopes[i]) }, i === 0 && subs.length === 1));
  if (subs.length > 1) out.unshift(action(`Narrow to the ${subs.length} synced subscriptions`, replaceWithMany(doc, f.range, literal.quote, scopes, bicep), true));
  return out;
}

// ---- edits ----

interface Literal { quote: string; value: string }

/** The string literal exactly at the range (quotes included), or undefined when the element is not one. */
function stringLiteral(doc: TextDocument, range: Range): Literal | undefined {
  const text = doc.getText(range);
  const q = text[0];
  if ((q !== '"' && q !== "'") || text.length < 2 || text[text.length - 1] !== q || text.includes('\n')) return undefined;
  return { quote: q, value: text.slice(1, -1) };
}

function quoteAs(quote: string, value: string): string {
  if (quote === '"') return JSON.stringify(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One entry becomes several: on their own lines when the entry had its own line, else inline. */
function replaceWithMany(doc: TextDocument, range: Range, quote: string, values: string[], bicep: boolean): TextEdit {
  const line = lineText(doc, range.start.line);
  const before = line.slice(0, range.start.character);
  const ownLine = /^\s*$/.test(before);
  const sep = ownLine ? (bicep ? '\n' : ',\n') + before : ', ';
  return { range, newText: values.map((v) => quoteAs(quote, v)).join(sep) };
}

/** Deletes an array entry with its separator, so the array stays valid JSON or Bicep. */
function removeEntry(doc: TextDocument, range: Range, bicep: boolean): TextEdit {
  const text = doc.getText();
  const s = doc.offsetAt(range.start), e = doc.offsetAt(range.end);
  const lineStart = s - range.start.character;
  let lineEnd = text.indexOf('\n', e);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, s), after = text.slice(e, lineEnd);
  // Bicep entries are separated by newlines: an entry alone on its line goes with its line.
  if (bicep && /^\s*$/.test(before) && /^\s*,?\s*(\/\/.*)?\r?$/.test(after)) {
    return { range: { start: doc.positionAt(lineStart), end: doc.positionAt(Math.min(text.length, lineEnd + 1)) }, newText: '' };
  }
  // A following comma goes with the entry, up to the next element.
  let j = e;
  while (j < text.length && /[ \t\r\n]/.test(text[j])) j++;
  if (text[j] === ',') {
    j++;
    while (j < text.length && /[ \t\r\n]/.test(text[j])) j++;
    return { range: { start: range.start, end: doc.positionAt(j) }, newText: '' };
  }
  // The last entry: the comma before it goes instead.
  let k = s - 1;
  while (k >= 0 && /[ \t\r\n]/.test(text[k])) k--;
  if (text[k] === ',') return { range: { start: doc.positionAt(k), end: range.end }, newText: '' };
  return { range, newText: '' };
}

/** Adds `key: value` as the first property of the object whose key (or `name: {`) is at the range. */
function addProperty(doc: TextDocument, range: Range, key: string, value: string, bicep: boolean): TextEdit | undefined {
  const text = doc.getText();
  const m = /^\s*:\s*\{/.exec(text.slice(doc.offsetAt(range.end), doc.offsetAt(range.end) + 200));
  if (!m) return undefined;
  const brace = doc.offsetAt(range.end) + m[0].length; // just after '{'
  const rendered = /^(true|false|\d+)$/.test(value) ? value : bicep ? `'${value}'` : JSON.stringify(value);
  const property = bicep ? `${key}: ${rendered}` : `${JSON.stringify(key)}: ${rendered}`;
  const braceIndent = /^\s*/.exec(lineText(doc, range.start.line))![0];
  let j = brace;
  while (j < text.length && /[ \t\r\n]/.test(text[j])) j++;
  const at = doc.positionAt(brace);
  if (text[j] === '}') {
    return { range: { start: at, end: doc.positionAt(j) }, newText: `\n${braceIndent}  ${property}\n${braceIndent}` };
  }
  const nextPos = doc.positionAt(j);
  const inner = nextPos.line > at.line ? /^\s*/.exec(lineText(doc, nextPos.line))![0] : `${braceIndent}  `;
  return { range: { start: at, end: at }, newText: `\n${inner}${property}${bicep ? '' : ','}` };
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

// ---- suppressions ----

const SUPPRESS = /^(\s*)\/\/\s*rampart-disable-next-line\b(.*)$/;

/** Bicep: `// rampart-disable-next-line RPxxx` above the line (or the id added to such a comment already there). */
function suppressBicep(doc: TextDocument, f: Finding, diag: Diagnostic): CodeAction[] {
  if (f.ruleId === 'RP000') return [];
  const line = f.range.start.line;
  const title = `Suppress ${f.ruleId} on this line (// rampart-disable-next-line)`;
  const prev = line > 0 ? SUPPRESS.exec(lineText(doc, line - 1)) : null;
  let edit: TextEdit;
  if (prev) {
    if (prev[2].split(/\s+/).some((r) => r.toUpperCase() === f.ruleId)) return [];
    const end = lineText(doc, line - 1).replace(/\s+$/, '').length;
    edit = { range: { start: { line: line - 1, character: end }, end: { line: line - 1, character: end } }, newText: ` ${f.ruleId}` };
  } else {
    const indent = /^\s*/.exec(lineText(doc, line))![0];
    edit = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}// rampart-disable-next-line ${f.ruleId}\n` };
  }
  return [{ title, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [doc.uri]: [edit] } } }];
}

/** JSON: the rule added to the `disable` list of the .rampartrc.json in force, or a new one at the workspace folder. */
async function suppressJson(lint: LintDocuments, connection: Connection, doc: TextDocument, rule: string, diagnostics: Diagnostic[]): Promise<CodeAction | undefined> {
  const file = LintDocuments.filePath(doc.uri);
  if (!file) return undefined;
  const found = lint.configFor(doc.uri);
  const title = `Disable ${rule} in ${CONFIG_NAME}`;
  let edit: WorkspaceEdit | undefined;
  if (found?.file) {
    const uri = pathToFileURL(found.file).href;
    const open = lint.documents.all().find((d) => LintDocuments.filePath(d.uri) === found.file);
    let text: string;
    try { text = open?.getText() ?? (await import('node:fs')).readFileSync(found.file, 'utf8'); } catch { return undefined; }
    const edits = addToDisable(text, rule);
    if (!edits) return undefined;
    edit = { changes: { [open?.uri ?? uri]: edits } };
  } else {
    const dir = await workspaceFolderOf(connection, file) ?? path.dirname(file);
    const uri = pathToFileURL(path.join(dir, CONFIG_NAME)).href;
    edit = {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: true } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `{\n  "disable": [${JSON.stringify(rule)}]\n}\n` }] },
      ],
    };
  }
  return { title, kind: CodeActionKind.QuickFix, diagnostics, edit };
}

/** Edits adding `rule` to a config text's `disable` list (creating the list); undefined when already there or unusable. */
export function addToDisable(text: string, rule: string): TextEdit[] | undefined {
  const { value, lines } = parseJson(text);
  const range = (s: number, e: number): Range => ({ start: lines.position(s), end: lines.position(e) });
  if (!value) return [{ range: range(0, text.length), newText: `{\n  "disable": [${JSON.stringify(rule)}]\n}\n` }];
  if (value.kind !== 'object') return undefined;
  const disable = prop(value, 'disable');
  if (!disable) {
    if (!value.properties.length) return [{ range: value.range, newText: `{\n  "disable": [${JSON.stringify(rule)}]\n}` }];
    const first = value.properties[0];
    const indent = first.keyRange.start.line > value.range.start.line ? ' '.repeat(first.keyRange.start.character) : ' ';
    const at = { line: value.range.start.line, character: value.range.start.character + 1 };
    return [{ range: { start: at, end: at }, newText: `\n${indent}"disable": [${JSON.stringify(rule)}],` }];
  }
  const v = disable.value;
  if (v.kind === 'string') {
    if (v.value.toUpperCase() === rule) return undefined;
    return [{ range: v.range, newText: `[${JSON.stringify(v.value)}, ${JSON.stringify(rule)}]` }];
  }
  if (v.kind !== 'array') return undefined;
  if (v.items.some((i) => i.kind === 'string' && i.value.toUpperCase() === rule)) return undefined;
  const last = v.items[v.items.length - 1];
  if (!last) {
    const at = { line: v.range.start.line, character: v.range.start.character + 1 };
    return [{ range: { start: at, end: at }, newText: JSON.stringify(rule) }];
  }
  return [{ range: { start: last.range.end, end: last.range.end }, newText: `, ${JSON.stringify(rule)}` }];
}

/** The workspace folder holding a file, when the client can say (it answers workspace/workspaceFolders). */
async function workspaceFolderOf(connection: Connection, file: string): Promise<string | undefined> {
  try {
    const folders = await Promise.race([
      connection.workspace.getWorkspaceFolders(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref()),
    ]);
    const dirs = (folders ?? []).map((f) => LintDocuments.filePath(f.uri)).filter((d): d is string => !!d);
    return dirs.filter((d) => file.startsWith(d + path.sep)).sort((a, b) => b.length - a.length)[0];
  } catch {
    return undefined;
  }
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
