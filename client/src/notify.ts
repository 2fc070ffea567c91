import * as vscode from 'vscode';
import type { ErrorAction } from './errors';

const SHOW_LOG: ErrorAction = { title: 'Show Log', command: 'rampart.showLog' };

/**
 * An error notification with follow-up actions and "Show Log" last. Never awaited by callers: a command must not
 * wait for the user to dismiss a notification (the test API runs commands and expects them to return).
 */
export function showError(message: string, actions: ErrorAction[] = []): void {
  const all = [...actions.filter((a) => a.command !== SHOW_LOG.command), SHOW_LOG];
  void vscode.window.showErrorMessage(message, ...all.map((a) => a.title)).then((choice) => {
    const action = all.find((a) => a.title === choice);
    if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  });
}

export function showInfo(message: string): void {
  void vscode.window.showInformationMessage(message);
}
