import * as vscode from 'vscode';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';

/** Thrown when the user dismisses a prompt. The command manager swallows it: cancelling is not a failure. */
export class UserCancelledError extends Error {
  constructor(step?: string) {
    super(step ? `Cancelled at ${step}` : 'Cancelled');
    this.name = 'UserCancelledError';
  }
}

/** A follow-up the error notification offers, e.g. "Update Credentials" running `rampart.updateCredentials`. */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** An error whose message is written for the user and which names what they can do next. */
export class ActionableError extends Error {
  constructor(message: string, readonly actions: ErrorAction[] = []) {
    super(message);
    this.name = 'ActionableError';
  }
}

/** The daemon is not running: every view and command that needs it says so the same way. */
export class DaemonNotRunningError extends ActionableError {
  constructor(detail?: string) {
    super(`The Rampart daemon is not running${detail ? ` (${detail})` : ''}. Run 'Rampart: Restart Daemon', or open the log.`, [
      { title: 'Restart Daemon', command: 'rampart.restartDaemon' },
    ]);
    this.name = 'DaemonNotRunningError';
  }
}

export function isCancellation(error: unknown): boolean {
  if (error instanceof UserCancelledError || error instanceof vscode.CancellationError) return true;
  return (
    error instanceof ResponseError &&
    (error.code === LSPErrorCodes.RequestCancelled || error.code === LSPErrorCodes.ServerCancelled)
  );
}

/** The connection to the daemon went away while a request was pending (crash, restart). */
export function isConnectionLost(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    (error.code === ErrorCodes.ConnectionInactive || error.code === ErrorCodes.PendingResponseRejected)
  );
}

/** One line for a notification: the message only, never a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'An unexpected error occurred.';
}
