import * as vscode from 'vscode';
import { ActionableError, errorMessage, isCancellation } from '../errors';
import type { Log } from '../log';
import { showError } from '../notify';

/** One command: an id from package.json and what it does. Dependencies come in through the constructor. */
export interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

const PREFIX = 'rampart.';

/**
 * Registers every command behind one error boundary: a cancelled prompt is silent, any other error becomes a
 * one-line notification (its actions plus "Show Log") while the stack goes to the log. A command that fails
 * returns undefined to `executeCommand` callers instead of rejecting, like any command the user runs.
 */
export class CommandManager implements vscode.Disposable {
  private readonly registrations: vscode.Disposable[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly log: Log) {}

  register(...commands: Command[]): void {
    for (const command of commands) {
      // A typo here would register a command no menu or palette entry can reach.
      if (!command.id.startsWith(PREFIX)) throw new Error(`Command id '${command.id}' must start with '${PREFIX}'`);
      if (this.ids.has(command.id)) throw new Error(`Command '${command.id}' is registered twice`);
      this.ids.add(command.id);
      this.registrations.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => this.run(command, args)));
    }
  }

  /** The registered ids, for the manifest check. */
  registeredIds(): string[] {
    return [...this.ids];
  }

  private async run(command: Command, args: unknown[]): Promise<unknown> {
    try {
      return await command.execute(...args);
    } catch (error) {
      this.handle(command.id, error);
      return undefined;
    }
  }

  private handle(id: string, error: unknown): void {
    if (isCancellation(error)) {
      this.log.debug(`${id}: cancelled`);
      return;
    }
    this.log.error(`${id} failed`, error);
    showError(errorMessage(error), error instanceof ActionableError ? error.actions : []);
  }

  dispose(): void {
    for (const d of this.registrations.splice(0)) d.dispose();
    this.ids.clear();
  }
}
