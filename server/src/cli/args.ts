/** Command-line parsing for `rampart`. Usage errors exit 2 with the usage text. */
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `Usage: rampart <command> [options]

Commands:
  connect   Create a connection and run its first sync
              --name N --tenant T --client-id C
              [--client-secret-env VAR | --certificate FILE]   (secret read from VAR, default AZURE_CLIENT_SECRET)
              [--subscription S]...                             (default: every subscription the principal sees)
              [--cloud AzureCloud|AzureUSGovernment|AzureChinaCloud | --authority-host URL --arm-endpoint URL]
              [--ca-file FILE] [--description TEXT] [--no-sync]
  sync      Sync one connection or all           [--connection N]
  status    Connections, last runs, evidence by control   [--json]

Global options:
  --store DIR   the store folder (default: a per-user data folder; env RAMPART_STORE)
  --help, --version

Exit codes: 0 ok, 1 the operation failed, 2 usage.`;

const OPTIONS = {
  store: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  name: { type: 'string' },
  description: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  'client-secret': { type: 'string' },
  certificate: { type: 'string' },
  subscription: { type: 'string', multiple: true },
  cloud: { type: 'string' },
  'authority-host': { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'ca-file': { type: 'string' },
  'no-sync': { type: 'boolean' },
  connection: { type: 'string' },
} as const;

export type CliValues = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface ParsedArgs { command?: string; values: CliValues }

export function parse(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  const values = parsed.values as CliValues;
  if (values['client-secret'] !== undefined) {
    throw new UsageError('Secrets are never taken on the command line (they end up in shell history and process lists): put it in an environment variable and pass --client-secret-env VAR.');
  }
  if (parsed.positionals.length > 1) throw new UsageError(`Unexpected argument '${parsed.positionals[1]}'.`);
  return { command: parsed.positionals[0], values };
}
