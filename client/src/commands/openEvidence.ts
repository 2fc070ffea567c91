import * as vscode from 'vscode';
import { EvidenceRow } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import type { Command } from './manager';

/** Evidence rows open from this scheme, registered as a read-only file system: the editor refuses every edit. */
export const EVIDENCE_SCHEME = 'rampart-evidence';

/** Serves `rampart-evidence:/<row id>.json`: the row as the daemon stores it, pretty-printed. Nothing can be written. */
export class EvidenceFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly ctx: Ctx) {}

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const content = await this.readFile(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: content.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const id = uri.path.replace(/^\//, '').replace(/\.json$/, '');
    const row = await this.ctx.request(EvidenceRow.type, { id });
    if (!row) throw vscode.FileSystemError.FileNotFound(uri);
    return new TextEncoder().encode(JSON.stringify(row, null, 2) + '\n');
  }

  watch(): vscode.Disposable { return new vscode.Disposable(() => undefined); }
  readDirectory(): never { throw vscode.FileSystemError.NoPermissions('Evidence rows are not a folder.'); }
  createDirectory(): never { throw vscode.FileSystemError.NoPermissions('Evidence is read-only.'); }
  writeFile(): never { throw vscode.FileSystemError.NoPermissions('Evidence is read-only: it changes only through a sync.'); }
  delete(): never { throw vscode.FileSystemError.NoPermissions('Evidence is read-only.'); }
  rename(): never { throw vscode.FileSystemError.NoPermissions('Evidence is read-only.'); }
}

/** `rampart.evidence.open` (a row of the Evidence view): the stored row as read-only JSON. */
export class OpenEvidenceCommand implements Command {
  readonly id = 'rampart.evidence.open';
  async execute(arg?: { id?: string }): Promise<vscode.TextEditor | undefined> {
    if (!arg?.id) return undefined;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: EVIDENCE_SCHEME, path: `/${arg.id}.json` }));
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(doc, { preview: true });
  }
}
