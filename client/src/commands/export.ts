import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  Export, ExportScopes, type ExportFormatName, type ExportParams, type ExportResultView, type ExportScopeParams, type ExportScopesResult,
} from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { ActionableError, UserCancelledError } from '../errors';
import { plural } from '../format';
import type { Command } from './manager';

/** The formats as the pick shows them, with the extension the save dialog proposes. */
export const FORMATS: { format: ExportFormatName; label: string; detail: string; ext: string; filter: [string, string[]] }[] = [
  { format: 'bundle', label: 'Evidence bundle (.zip)', detail: 'For auditors: evidence per control, manifest with SHA-256 hashes, audit-log slice, run log, index.html', ext: '.zip', filter: ['Evidence bundle', ['zip']] },
  { format: 'json', label: 'JSON', detail: 'One schema-versioned document (schema rampart-evidence/1)', ext: '.json', filter: ['JSON', ['json']] },
  { format: 'csv', label: 'CSV', detail: 'One row per evidence row with control columns, for spreadsheets', ext: '.csv', filter: ['CSV', ['csv']] },
  { format: 'jsonl', label: 'JSON Lines', detail: 'One evidence row per line, for large sets and scripts', ext: '.jsonl', filter: ['JSON Lines', ['jsonl']] },
  { format: 'oscal', label: 'OSCAL Assessment Results', detail: 'NIST OSCAL 1.1 JSON: observations and findings linked to the controls', ext: '.oscal.json', filter: ['OSCAL JSON', ['json']] },
];

/** What `rampart.exportEvidence` accepts from automation and tests: no prompt is shown. */
export interface ExportArgs { format: ExportFormatName; scope?: ExportScopeParams; out: string }

const DAY = 86_400_000;

/**
 * `rampart.exportEvidence`: scope, period and format picks, a save dialog, then the export under a cancellable
 * progress notification, and Reveal / Open. With one argument `{ format, scope?, out }` it asks nothing and
 * returns the export result.
 */
export class ExportEvidenceCommand implements Command {
  readonly id = 'rampart.exportEvidence';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: unknown): Promise<ExportResultView> {
    if (isExportArgs(arg)) {
      if (!FORMATS.some((f) => f.format === arg.format)) throw new ActionableError(`Unknown export format '${arg.format}': use ${FORMATS.map((f) => f.format).join(', ')}.`);
      return this.run({ format: arg.format, scope: arg.scope, out: path.resolve(arg.out) });
    }
    const scopes = await this.ctx.request(ExportScopes.type, {});
    const scope = await pickScope(scopes);
    Object.assign(scope, await pickPeriod());
    const format = await pickFormat();
    const out = await saveTarget(format);
    const result = await this.run({ format: format.format, scope, out });
    void this.offerActions(result);
    return result;
  }

  private async run(params: ExportParams): Promise<ExportResultView> {
    const exportId = crypto.randomUUID();
    const title = `Rampart: exporting evidence (${FORMATS.find((f) => f.format === params.format)?.label ?? params.format})`;
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      let reported = 0;
      const listener = this.ctx.onExportProgress((p) => {
        if (p.exportId !== exportId || p.total <= 0) return;
        const pct = (100 * p.done) / p.total;
        progress.report({ message: `${p.done} of ${plural(p.total, 'row')}`, increment: pct > reported ? pct - reported : undefined });
        reported = Math.max(reported, pct);
      });
      try {
        const result = await this.ctx.request(Export.type, { ...params, exportId }, token);
        this.ctx.log.info(`Exported ${result.rows} evidence row(s) as ${result.format} to ${result.file} (${result.bytes} bytes, SHA-256 ${result.sha256})`
          + (result.gradesFile ? `; posture grades to ${result.gradesFile}` : ''));
        return result;
      } catch (error) {
        if (token.isCancellationRequested) throw new UserCancelledError('export');
        throw error;
      } finally {
        listener.dispose();
      }
    });
  }

  private async offerActions(result: ExportResultView): Promise<void> {
    const uri = vscode.Uri.file(result.file);
    const choice = await vscode.window.showInformationMessage(
      `Exported ${plural(result.rows, 'evidence row')} to ${path.basename(result.file)}`
        + (result.gradesFile ? `, and the posture grades to ${path.basename(result.gradesFile)} beside it.` : '.'), 'Reveal', 'Open');
    if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', uri);
    else if (choice === 'Open') {
      // A zip opens in the system's handler; the text formats in an editor.
      if (result.format === 'bundle') await vscode.env.openExternal(uri);
      else await vscode.window.showTextDocument(uri);
    }
  }
}

function isExportArgs(arg: unknown): arg is ExportArgs {
  return !!arg && typeof arg === 'object' && typeof (arg as ExportArgs).format === 'string' && typeof (arg as ExportArgs).out === 'string';
}

interface ScopeItem extends vscode.QuickPickItem { scope?: ExportScopeParams }

async function pickScope(s: ExportScopesResult): Promise<ExportScopeParams> {
  const sep = (label: string): ScopeItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: ScopeItem[] = [{ label: 'Everything', description: 'every live connection, every control', scope: {} }];
  const live = s.connections.filter((c) => !c.revoked);
  if (s.connections.length) items.push(sep('Connection'), ...s.connections.map((c) => ({ label: c.name, description: c.revoked ? 'revoked (history)' : undefined, scope: { connection: c.id } })));
  if (s.controls.length) items.push(sep('Control'), ...s.controls.map((c) => ({ label: c.id, description: c.title, scope: { control: c.id } })));
  if (s.assessments.length) items.push(sep('Assessment'), ...s.assessments.map((a) => ({ label: a.name, scope: { assessment: a.id } })));
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Export Evidence (1/3): scope', placeHolder: `What to export (${plural(live.length, 'connection')})`, ignoreFocusOut: true, matchOnDescription: true,
  });
  if (!chosen?.scope) throw new UserCancelledError('scope');
  return { ...chosen.scope };
}

async function pickPeriod(): Promise<Pick<ExportScopeParams, 'from' | 'to'>> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const items: (vscode.QuickPickItem & { days?: number; custom?: boolean })[] = [
    { label: 'All time', description: 'every retained row' },
    { label: 'Last 30 days', description: `${day(Date.now() - 30 * DAY)} to today`, days: 30 },
    { label: 'Last 90 days', description: `${day(Date.now() - 90 * DAY)} to today`, days: 90 },
    { label: 'Custom period...', description: 'from and to dates', custom: true },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: 'Export Evidence (2/3): period', placeHolder: 'Which period', ignoreFocusOut: true });
  if (!chosen) throw new UserCancelledError('period');
  if (chosen.days) return { from: day(Date.now() - chosen.days * DAY) };
  if (!chosen.custom) return {};
  const from = await askDate('From (YYYY-MM-DD)', false);
  const to = await askDate('To (YYYY-MM-DD, empty for today)', true, from);
  return { from, to };
}

async function askDate(prompt: string, optional: boolean, notBefore?: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Export Evidence: custom period', prompt, placeHolder: 'YYYY-MM-DD', ignoreFocusOut: true,
    validateInput: (v) => {
      const t = v.trim();
      if (!t) return optional ? undefined : 'A date is needed.';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(t) || Number.isNaN(Date.parse(`${t}T00:00:00Z`))) return 'Use YYYY-MM-DD, e.g. 2026-01-31.';
      if (notBefore && t < notBefore) return `The period ends before it starts (${notBefore}).`;
      return undefined;
    },
  });
  if (value === undefined) throw new UserCancelledError(prompt);
  return value.trim() || undefined;
}

async function pickFormat(): Promise<(typeof FORMATS)[number]> {
  const chosen = await vscode.window.showQuickPick(FORMATS.map((f) => ({ label: f.label, detail: f.detail, f })), {
    title: 'Export Evidence (3/3): format', placeHolder: 'Which format', ignoreFocusOut: true,
  });
  if (!chosen) throw new UserCancelledError('format');
  return chosen.f;
}

async function saveTarget(format: (typeof FORMATS)[number]): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const name = `rampart-evidence-${new Date().toISOString().slice(0, 10)}${format.ext}`;
  const uri = await vscode.window.showSaveDialog({
    title: 'Export Evidence: save as', saveLabel: 'Export', defaultUri: vscode.Uri.joinPath(folder, name), filters: Object.fromEntries([format.filter]),
  });
  if (!uri) throw new UserCancelledError('save dialog');
  // The daemon writes the file on this machine: a remote or virtual file system is out of its reach.
  if (uri.scheme !== 'file') throw new ActionableError(`Rampart exports to local files only (not ${uri.scheme}:).`);
  return uri.fsPath;
}
