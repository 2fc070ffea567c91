/**
 * The open documents the editor syncs (role JSON, ARM templates, Bicep), linted as they change, and the findings of
 * each one's latest version (quick fixes, hover and completion read them).
 *
 * Scheduling: an edit to an idle document is linted at once (the next tick), so a single keystroke gets its
 * diagnostics with no added delay; edits arriving while the document was linted within the last `debounceMs` are
 * coalesced into one run `debounceMs` after the last of them. lintText is synchronous, so there is never more than one
 * run in flight; a result computed for a version the document has since left is dropped, never published.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocuments, type Connection, type Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintParsed, type Finding, type TenantRole } from '../lint';
import { configFor } from '../lint/config';
import { formatByExtension, parseIacFile } from '../lint/detect';
import type { ParsedIacFile } from '../lint/model';
import { CONFIG_NAME, ConfigResolver, type ResolvedConfig } from './config';
import { toDiagnostic } from './diagnostics';

export interface LintFeatureOptions {
  /** Quiet time after a burst of edits before linting again (default 120 ms). */
  debounceMs?: number;
  log?: { info(m: string): void; warn(m: string): void };
  /** The synced tenants' role definitions (RP030 role-drift); call `tenantChanged` when they change. */
  tenantRoles?: () => readonly TenantRole[];
  /** The synced subscriptions: the quick fix narrowing an assignable scope (RP006) offers them. */
  subscriptions?: () => readonly { subscriptionId: string; name: string }[];
}

export interface LintResult {
  version: number;
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Whether Rampart lints this document at all (role JSON, ARM, Bicep). */
  linted: boolean;
  /** Milliseconds the last lint took. */
  ms: number;
}

interface Pending { timer: NodeJS.Timeout; immediate: boolean }

export class LintDocuments {
  readonly documents = new TextDocuments(TextDocument);
  readonly configs: ConfigResolver;
  private readonly pending = new Map<string, Pending>();
  private disposed = false;
  private readonly lastRun = new Map<string, number>();
  private readonly results = new Map<string, LintResult>();
  private readonly forced = new Set<string>();
  private readonly debounceMs: number;

  constructor(private readonly connection: Connection, private readonly options: LintFeatureOptions = {}) {
    this.debounceMs = options.debounceMs ?? 120;
    this.configs = new ConfigResolver((file) => this.openConfigText(file), (m) => options.log?.warn(`rampart lint: ${m}`));
  }

  listen(): void {
    // onDidChangeContent also fires when a document opens.
    this.documents.onDidChangeContent((e) => this.changed(e.document));
    this.documents.onDidClose((e) => {
      const uri = e.document.uri;
      this.cancel(uri);
      this.lastRun.delete(uri);
      this.results.delete(uri);
      this.forced.delete(uri);
      if (isConfig(uri)) this.relintAll();
      else void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    });
    this.documents.listen(this.connection);
  }

  /** Every open document again (a .rampartrc.json changed). */
  relintAll(): void {
    this.configs.invalidate();
    this.relintOpen();
  }

  /** The client went away: no lint is left pending to publish to a closed connection. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  /** The synced tenants' roles changed (a sync): every open document is linted again. */
  tenantChanged(): void {
    if (this.disposed) return;
    this.relintOpen();
  }

  private relintOpen(): void {
    for (const doc of this.documents.all()) if (!isConfig(doc.uri)) this.schedule(doc.uri, true, true);
  }

  /** The subscriptions the synced connections hold (none without a store or a sync). */
  syncedSubscriptions(): readonly { subscriptionId: string; name: string }[] {
    try { return this.options.subscriptions?.() ?? []; } catch { return []; }
  }

  /** The findings of the document's current version (linted now when the last run is stale). */
  resultFor(uri: string): LintResult | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const r = this.results.get(uri);
    if (r && r.version === doc.version) return r;
    return this.run(uri);
  }

  /** The file path of a file: URI, or undefined (untitled and other schemes). */
  static filePath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try { return fileURLToPath(uri); } catch { return undefined; }
  }

  /** The config in force for a document (file: URIs only). */
  configFor(uri: string): ResolvedConfig | undefined {
    const file = LintDocuments.filePath(uri);
    return file ? this.configs.resolve(file) : undefined;
  }

  isBicep(doc: TextDocument): boolean {
    return doc.languageId === 'bicep' || formatByExtension(doc.uri) === 'bicep';
  }

  private changed(doc: TextDocument): void {
    if (isConfig(doc.uri)) { this.relintAll(); return; }
    this.schedule(doc.uri, true);
  }

  /** `force`: lint even when the current version already has a result (the config in force changed). */
  private schedule(uri: string, edit: boolean, force = false): void {
    if (this.disposed) return;
    const p = this.pending.get(uri);
    if (force) this.forced.add(uri);
    const recent = (this.lastRun.get(uri) ?? -Infinity) > performance.now() - this.debounceMs;
    if (p?.immediate) return; // a run is already due on the next tick and will read the newest text
    if (p) clearTimeout(p.timer);
    const immediate = !p && !(edit && recent);
    const timer = setTimeout(() => {
      this.pending.delete(uri);
      // A hover or quick fix may have linted this version in the meantime (resultFor).
      const done = this.results.get(uri)?.version === this.documents.get(uri)?.version;
      const forced = this.forced.delete(uri);
      if (!done || forced) this.run(uri);
    }, immediate ? 0 : this.debounceMs);
    this.pending.set(uri, { timer, immediate });
  }

  private cancel(uri: string): void {
    const p = this.pending.get(uri);
    if (p) clearTimeout(p.timer);
    this.pending.delete(uri);
  }

  private run(uri: string): LintResult | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const version = doc.version;
    const t0 = performance.now();
    let findings: Finding[] = [];
    let linted = false;
    try {
      ({ findings, linted } = this.lint(doc));
    } catch (e) {
      this.options.log?.warn(`rampart lint failed on ${uri}: ${(e as Error).message}`);
    }
    const ms = performance.now() - t0;
    this.lastRun.set(uri, performance.now());
    // Stale: the document moved on while this ran (cannot happen with synchronous lints, kept as the invariant).
    if (this.documents.get(uri)?.version !== version) return undefined;
    const previous = this.results.get(uri);
    const result: LintResult = { version, findings, diagnostics: findings.map(toDiagnostic), linted, ms };
    this.results.set(uri, result);
    // Files Rampart does not lint get nothing, not even an empty publish, unless they had diagnostics before.
    if (linted || previous?.diagnostics.length) {
      try {
        void this.connection.sendDiagnostics({ uri, version, diagnostics: result.diagnostics }).catch(() => undefined);
      } catch {
        // The client left while this lint was due (its connection throws at once): nobody to publish to.
      }
    }
    return result;
  }

  private lint(doc: TextDocument): { findings: Finding[]; linted: boolean } {
    const text = doc.getText();
    const file = LintDocuments.filePath(doc.uri);
    const bicep = this.isBicep(doc);
    let lintPath = file ?? doc.uri;
    if (bicep && formatByExtension(lintPath) !== 'bicep') lintPath += '.bicep';
    const cfg = file ? this.configs.resolve(file) : undefined;
    const { ignored, disabled } = configFor(cfg?.config, cfg?.relativePath ?? lintPath);
    if (ignored) return { findings: [], linted: false };
    // The client sends only documents it was told to (json, jsonc, bicep, the rampart.lint.files globs): anything
    // that is not Bicep is read as JSON whatever its extension; content still decides whether it is linted.
    // (lintText's steps, kept apart here to know whether the file is one Rampart lints at all.)
    let parsed: ParsedIacFile | undefined;
    try {
      parsed = parseIacFile(lintPath, text, { forceJson: !bicep });
    } catch (e) {
      return { findings: [{ ruleId: 'RP000', severity: 'error', message: `Rampart could not read this file: ${(e as Error).message}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }], linted: true };
    }
    return parsed ? { findings: lintParsed(parsed, disabled, this.options.tenantRoles?.()), linted: true } : { findings: [], linted: false };
  }

  private openConfigText(file: string): string | undefined {
    for (const doc of this.documents.all()) {
      if (!isConfig(doc.uri)) continue;
      if (LintDocuments.filePath(doc.uri) === file) return doc.getText();
    }
    return undefined;
  }
}

export function isConfig(uri: string): boolean {
  return path.posix.basename(uri.replace(/[?#].*$/, '')) === CONFIG_NAME;
}
