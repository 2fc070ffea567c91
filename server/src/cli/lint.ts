/**
 * `rampart lint [--format text|json|sarif] [--min-severity error|warning|information] [--connection N] PATHS/GLOBS...`
 * With --connection, the connection's synced role definitions are compared with the files' (RP030 role-drift).
 * Exit 0 with no error findings, 1 otherwise, 2 on usage errors (thrown as UsageError).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { globToRegExp, parseConfig, type RampartConfig } from '../lint/config';
import { lintText, type TenantRole } from '../lint';
import { tenantRoles } from '../core/synced-tenant';
import { Store } from '../store/store';
import { defaultStoreDir } from './paths';
import type { Finding, Severity } from '../lint/rules/types';
import { UsageError } from './args';
import { toSarif, type FileFindings } from './sarif';

export interface LintCliOptions { format?: string; 'min-severity'?: string; connection?: string; store?: string }

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };
const LINTED = /\.(json|jsonc|bicep)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);
/** Files bigger than this are not infrastructure code (and would stall a CI run). */
const MAX_BYTES = 20 * 1024 * 1024;

/** Runs the lint command; returns the exit code. Output goes to `out` (stdout by default). */
export async function lintCommand(args: string[], opts: LintCliOptions, cwd = process.cwd(), out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const format = opts.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`Unknown --format '${format}': use text, json or sarif.`);
  const min = (opts['min-severity'] ?? 'information') as Severity;
  if (!['error', 'warning', 'information'].includes(min)) throw new UsageError(`Unknown --min-severity '${min}': use error, warning or information.`);
  if (!args.length) throw new UsageError('lint needs at least one file, folder or glob.');

  const roles = opts.connection ? await syncedRoles(opts.connection, opts.store ?? defaultStoreDir()) : undefined;
  const files = await collectFiles(args, cwd);
  const results: FileFindings[] = [];
  const configs = new Map<string, FoundConfig>();
  for (const file of files) {
    const stat = await fs.stat(file);
    if (stat.size > MAX_BYTES) { process.stderr.write(`rampart: skipped ${file}: larger than 20 MB\n`); continue; }
    const text = await fs.readFile(file, 'utf8');
    const rc = await configFor(path.dirname(file), configs);
    const findings = lintText(file, text, {
      config: rc?.config, relativePath: rc ? slash(path.relative(rc.dir, file)) : undefined,
      forceJson: !/\.bicep$/i.test(file), tenantRoles: roles,
    }).filter((f) => RANK[f.severity] <= RANK[min]);
    results.push({ uri: slash(path.relative(cwd, file)), text, findings });
  }

  if (format === 'sarif') out(JSON.stringify(toSarif(results, pathToFileURL(cwd).href), null, 2) + '\n');
  else if (format === 'json') out(JSON.stringify(results.flatMap((r) => r.findings.map((f) => jsonFinding(r.uri, f))), null, 2) + '\n');
  else out(textReport(results));
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

/** The role definitions a connection synced, read from the store (which lint otherwise never opens; read only: a daemon may own it). */
async function syncedRoles(connection: string, storeDir: string): Promise<TenantRole[]> {
  const store = await Store.openReadOnly(storeDir);
  try {
    return tenantRoles(store.data, connection);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function jsonFinding(file: string, f: Finding) {
  return { file, line: f.range.start.line + 1, column: f.range.start.character + 1, ...f };
}

function textReport(results: FileFindings[]): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of results) {
    for (const f of r.findings) {
      counts[f.severity]++;
      lines.push(`${r.uri}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.ruleId} ${f.message}`);
    }
  }
  lines.push(`${results.length} file${results.length === 1 ? '' : 's'} linted: ${counts.error} errors, ${counts.warning} warnings, ${counts.information + counts.hint} notes.`);
  return lines.join('\n') + '\n';
}

/** The nearest .rampartrc.json at or above a folder (cached per folder). */
type FoundConfig = { dir: string; config: RampartConfig } | undefined;

async function configFor(dir: string, cache: Map<string, FoundConfig>): Promise<FoundConfig> {
  if (cache.has(dir)) return cache.get(dir);
  let found: FoundConfig;
  const file = path.join(dir, '.rampartrc.json');
  if (existsSync(file)) {
    const { config, problems } = parseConfig(await fs.readFile(file, 'utf8'));
    for (const p of problems) process.stderr.write(`rampart: ${file}: ${p}\n`);
    found = { dir, config };
  } else {
    const parent = path.dirname(dir);
    found = parent !== dir ? await configFor(parent, cache) : undefined;
  }
  cache.set(dir, found);
  return found;
}

/** Files named by the arguments: files as given, folders walked, globs matched from their fixed prefix. */
export async function collectFiles(args: string[], cwd: string): Promise<string[]> {
  const out = new Set<string>();
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    if (existsSync(abs)) {
      if ((await fs.stat(abs)).isDirectory()) for (const f of await walk(abs)) out.add(f);
      else out.add(abs);
      continue;
    }
    if (!/[*?{[]/.test(arg)) throw new UsageError(`No such file or folder: ${arg}`);
    const parts = slash(arg).split('/');
    const fixed = parts.slice(0, parts.findIndex((p) => /[*?{[]/.test(p))).join('/');
    const base = path.resolve(cwd, fixed || '.');
    // The glob is anchored at its fixed prefix: match the rest against paths relative to it.
    const re = globToRegExp(parts.slice(fixed ? fixed.split('/').length : 0).join('/'), false);
    if (!existsSync(base)) continue;
    for (const f of await walk(base, true)) if (re.test(slash(path.relative(base, f)))) out.add(f);
  }
  return [...out].sort();
}

async function walk(dir: string, all = false): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try { entries = await fs.readdir(d, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) stack.push(p); }
      else if (e.isFile() && (all || LINTED.test(e.name))) out.push(p);
    }
  }
  return out;
}

function slash(p: string): string { return p.split(path.sep).join('/'); }
