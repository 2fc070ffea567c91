/**
 * The Bicep reader of the least-privilege analyzer: parses a .bicep file (with error recovery), evaluates what is
 * known statically, and hands the rules every resource declaration (nested children, loops and conditions included)
 * in the shared model, with the syntax problems and the `// rampart-disable-next-line` suppressions.
 */
import type { DeploymentScope, LocatedValue, ParsedIacFile, ResourceDecl } from '../model';
import type { ResourceStmt } from './ast';
import type { OffsetProblem } from './cursor';
import { Evaluator } from './evaluate';
import type { Token } from './lexer';
import { LineIndex } from '../lines';
import { parseProgram } from './parser';

export { parseProgram } from './parser';
export type { Program, Stmt, Expr, ResourceStmt } from './ast';

const SCOPES: DeploymentScope[] = ['resourceGroup', 'subscription', 'managementGroup', 'tenant'];
const MAX_PROBLEMS = 200;

/**
 * Parses Bicep source into the shared model. Never throws: syntax errors become `problems` and parsing resumes at
 * the next line, so findings below an error are still reported. Linear in the size of the text.
 */
export function parseBicep(text: string): ParsedIacFile {
  const lines = new LineIndex(text);
  const parsed = parseProgram(text, lines);
  const ev = new Evaluator(parsed.program, text, lines);
  const resources: ResourceDecl[] = [];
  let targetScope: DeploymentScope = 'resourceGroup';
  for (const s of parsed.program.statements) {
    if (s.k === 'resource') collect(s, undefined, ev, text, resources, 0);
    else if (s.k === 'targetScope') {
      const v = ev.evaluate(s.value);
      if (v.kind === 'string' && (SCOPES as string[]).includes(v.value)) targetScope = v.value as DeploymentScope;
    }
  }
  return {
    format: 'bicep',
    resources,
    roleDefinitions: [],
    problems: reportable(parsed.problems).map((p) => ({ message: p.message, range: lines.range(p.start, p.end) })),
    suppressions: parsed.suppressions.map((s) => ({ line: nextCodeLine(parsed.tokens, s.end, lines), rules: s.rules })),
    targetScope,
  };
}

/** At most MAX_PROBLEMS problems: a file that is not Bicep at all must not flood the editor. */
function reportable(problems: OffsetProblem[]): OffsetProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const last = problems[MAX_PROBLEMS - 1];
  return [...problems.slice(0, MAX_PROBLEMS - 1), { message: `${problems.length - MAX_PROBLEMS + 1} more syntax problems are not shown`, start: last.start, end: last.end }];
}

/** Adds a resource declaration (one per known loop item) and, recursively, the children declared in its body. */
function collect(r: ResourceStmt, parentType: string | undefined, ev: Evaluator, text: string, out: ResourceDecl[], depth: number): void {
  const declared = r.type ?? text.slice(r.typeStart, r.typeEnd);
  const [typePart, apiVersion] = splitType(declared);
  // A nested resource names only its own segment ('keys@...'), unless it spells out the full type.
  const type = parentType && !typePart.includes('/') ? `${parentType}/${typePart}` : typePart;
  const typeRange = ev.range(r.typeStart, r.typeEnd);
  const range = ev.range(r.start, r.end);
  for (const body of ev.declarationBodies(r.value)) {
    // `existing` only references a resource deployed elsewhere: rules on deployed resources skip it.
    out.push({ type, apiVersion, typeRange, body, range, ...(r.existing ? { existing: true } : {}) });
  }
  // Bodies of nested resources: the object itself, under `if`, or the loop's body (possibly under `if`).
  let obj = r.value;
  if (obj.k === 'for') obj = obj.body;
  if (obj.k === 'if') obj = obj.body;
  if (obj.k !== 'object' || depth > 32) return;
  for (const child of obj.resources) collect(child, type, ev, text, out, depth + 1);
}

/** 'Microsoft.KeyVault/vaults@2023-02-01' → ['Microsoft.KeyVault/vaults', '2023-02-01']; drops an 'az:' prefix. */
function splitType(declared: string): [string, string | undefined] {
  const t = declared.startsWith('az:') ? declared.slice(3) : declared;
  const at = t.indexOf('@');
  return at < 0 ? [t, undefined] : [t.slice(0, at), t.slice(at + 1)];
}

/** The line of the first token after a suppression comment: the line it applies to (comments and blank lines skipped). */
function nextCodeLine(tokens: Token[], after: number, lines: LineIndex): number {
  let lo = 0, hi = tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start >= after) hi = mid; else lo = mid + 1;
  }
  let i = lo;
  while (i < tokens.length - 1 && tokens[i].kind === 'nl') i++;
  if (tokens[i].kind === 'eof') return lines.line(after) + 1;
  return lines.line(tokens[i].start);
}

/** Looks up a property path ('properties.permissions') in an evaluated value: a helper for tests and rules. */
export function getPath(v: LocatedValue | undefined, path: string): LocatedValue | undefined {
  for (const key of path.split('.')) {
    if (v?.kind !== 'object') return undefined;
    v = v.properties.find((p) => p.key === key)?.value;
  }
  return v;
}
