/**
 * What the editor sends the daemon to lint: JSON, JSON with comments and Bicep documents (saved or untitled), plus
 * the files matching the `rampart.lint.files` globs (read when the daemon starts: Restart Daemon applies a change).
 * The daemon decides from the content which of them it lints (role definitions, ARM templates, Bicep).
 */
import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient/node';
import { SECTION } from './config';

export function lintDocumentSelector(): DocumentSelector {
  const languages = ['json', 'jsonc', 'bicep'];
  const globs = vscode.workspace.getConfiguration(SECTION).get<unknown>('lint.files', []);
  const patterns = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  return [
    ...['file', 'untitled'].flatMap((scheme) => languages.map((language) => ({ scheme, language }))),
    ...patterns.map((pattern) => ({ scheme: 'file', pattern })),
  ];
}

/** Watches every .rampartrc.json so the daemon lints the open documents again when one changes on disk. */
export function lintConfigWatcher(): vscode.FileSystemWatcher {
  return vscode.workspace.createFileSystemWatcher('**/.rampartrc.json');
}
