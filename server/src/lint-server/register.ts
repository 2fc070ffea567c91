/**
 * The least-privilege analyzer in the editor: diagnostics as documents change, quick fixes, hover and completion on
 * operation strings. The daemon merges LINT_CAPABILITIES into its initialize result and calls registerLintFeatures
 * once, before the connection listens. Owns the document sync (TextDocuments) and workspace/didChangeWatchedFiles.
 */
import type { Connection, ServerCapabilities } from 'vscode-languageserver';
import { codeActions } from './code-actions';
import { complete } from './completion';
import { isConfig, LintDocuments, type LintFeatureOptions } from './documents';
import { hover } from './hover';

export type { LintFeatureOptions } from './documents';

export const LINT_CAPABILITIES: ServerCapabilities = {
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  hoverProvider: true,
  completionProvider: { triggerCharacters: ['"', "'", '/'] },
};

export function registerLintFeatures(connection: Connection, options: LintFeatureOptions = {}): LintDocuments {
  const lint = new LintDocuments(connection, options);
  lint.listen();
  connection.onCodeAction((params) => codeActions(lint, connection, params));
  connection.onHover((params) => hover(lint, params));
  connection.onCompletion((params) => complete(lint, params));
  // The client watches **/.rampartrc.json: a config changed on disk, every open document is linted again.
  connection.onDidChangeWatchedFiles((params) => {
    if (params.changes.some((c) => isConfig(c.uri))) lint.relintAll();
  });
  return lint;
}
