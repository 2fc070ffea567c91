import { redact } from '../util/redact';

/** Where the daemon and the CLI write their log lines. Every line passes through `redact` first. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function redactingLogger(sink: (level: 'info' | 'warn' | 'error', line: string) => void): Logger {
  return {
    info: (m) => sink('info', redact(m)),
    warn: (m) => sink('warn', redact(m)),
    error: (m) => sink('error', redact(m)),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
