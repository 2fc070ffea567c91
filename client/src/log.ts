import * as vscode from 'vscode';

/**
 * The client's logger. It writes to the same LogOutputChannel the language client uses, so one "Rampart" channel
 * tells the whole story. Nothing here reveals the channel: only errors offer "Show Log".
 */
export class Log {
  constructor(readonly channel: vscode.LogOutputChannel) {}

  trace(message: string): void {
    this.channel.trace(message);
  }
  debug(message: string): void {
    this.channel.debug(message);
  }
  info(message: string): void {
    this.channel.info(message);
  }
  warn(message: string): void {
    this.channel.warn(message);
  }
  /** Logs the message and, when given, the error's stack (the stack never reaches a notification). */
  error(message: string, error?: unknown): void {
    if (error instanceof Error) this.channel.error(message, error);
    else if (error !== undefined) this.channel.error(`${message}: ${String(error)}`);
    else this.channel.error(message);
  }
  show(): void {
    this.channel.show(true);
  }
}

// The JSON keys of GetCredential answers. With `rampart.trace.server: verbose` the language client traces every
// response it sends, results included, so the trace must pass through `redact` before it reaches the channel.
const SECRET_FIELDS = /("(?:secret|certificatePem)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

export function redact(text: string): string {
  return text.replace(SECRET_FIELDS, '$1"<redacted>"');
}

/**
 * The language client's trace channel: the shared channel behind a filter that removes credentials. The language
 * client writes a trace line in pieces (`append` then `appendLine`), so pieces are buffered up to the line end.
 */
export function redactingTraceChannel(channel: vscode.LogOutputChannel): vscode.OutputChannel {
  let pending = '';
  return {
    name: channel.name,
    append(value: string) {
      pending += value;
    },
    appendLine(value: string) {
      channel.appendLine(redact(pending + value));
      pending = '';
    },
    replace(value: string) {
      pending = '';
      channel.replace(redact(value));
    },
    clear() {
      pending = '';
      channel.clear();
    },
    show(column?: vscode.ViewColumn | boolean, preserveFocus?: boolean) {
      channel.show(typeof column === 'boolean' ? column : preserveFocus);
    },
    hide() {
      channel.hide();
    },
    // The shared channel belongs to the extension; a client that disposes its trace channel must not close it.
    dispose() {},
  };
}
