/** Command-line parsing for `rampart`. Usage errors exit 2 with the usage text. */
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `Usage: rampart <command> [options]

Commands:
  connect   Create a connection and run its first sync
              --name N --tenant T --client-id C
              [--client-secret-env VAR | --certificate FILE]   (secret read from VAR, default AZURE_CLIENT_SECRET)
              or --name N --tenant T --azure-cli                (as the account of 'az login', no service principal)
              [--subscription S]... | [--management-group MG]  (default: every subscription the principal sees;
                                                                a group: its subscriptions, listed at each sync)
              [--cloud AzureCloud|AzureUSGovernment|AzureChinaCloud | --authority-host URL --arm-endpoint URL]
              [--ca-file FILE] [--description TEXT] [--organization ORG] [--no-sync]
  sync      Sync one connection or all           [--connection N]
              (above env RAMPART_RESOURCE_GRAPH_THRESHOLD subscriptions, default 50: through Azure Resource Graph)
  status    Connections, last runs, evidence and coverage by control
              [--json] [--framework soc2|iso27001] [--stale-after DURATION]   (default 2d; env RAMPART_STALE_AFTER)
  verify    Check the audit log's hash chain: exit 0 intact, 1 broken (names the first broken row)
  verify BUNDLE.zip   Check an evidence bundle: every file against manifest.json, and its audit-log slice's chain
  export    Export evidence   --format json|csv|jsonl|bundle|oscal --out PATH
              [--connection N] [--control C] [--assessment A] [--framework soc2|iso27001]
              [--from DATE] [--to DATE]   (YYYY-MM-DD or ISO date-time; rows seen during the period)
  revoke    Revoke a connection: it never syncs again; history kept for the retention window
              --connection N   (env RAMPART_RETENTION_DAYS, default 365)
  assessment create --name N --from DATE --to DATE [--control C,...] [--connection N,...] [--framework F]
                    [--evidence ID,... | --current]
  assessment attach --assessment A (--evidence ID,... | --current)   (--current: each subject's latest row in the period)
  assessment approve --assessment A   (audited; the attached evidence is frozen: syncs and prune never change it)
  assessment list [--json]
  roles list [--json]   Who you are and the store's admins and viewers (anyone not listed is a viewer)
  roles add-admin U | add-viewer U | remove U   (admins only, audited; the last admin cannot be removed)
            Admins add, resume, delete, revoke and re-credential connections and approve assessments; viewers read
            and export. Whoever first opens a store is its first admin.
  org create --name N [--parent P] [--domain D] [--description T] [--visibility private|shared]
  org update --organization N [--name N2] [--parent P|none] [--domain D] [--description T] [--visibility V]
  org delete --organization N   (refused while it has subsidiaries or connections)
  org attach --connection C --organization N   (the connection publishes its assets as that organization)
  org detach --connection C
  org list [--json] [--framework F]   The organization tree, each node's grade and coverage rolled up from its descendants
  grade     A posture grade (0-100, A-F) [--organization N] [--framework F] [--explain] [--json]   (--explain: the deductions)
            Grades are weighted by the controls of --framework, else env RAMPART_FRAMEWORK, else soc2
  role-for-connector   The least-privilege custom role for the connector (az role definition create shape)
              [--connection N] [--out FILE]   (scopes: the connection's subscriptions, else a placeholder)
  credentials seal --connection N [--client-secret-env VAR | --certificate FILE]
            Seal a connection's secret or key under the master key (env RAMPART_MASTER_KEY_FILE or RAMPART_MASTER_KEY):
            headless syncs then need only the master key
  credentials create-certificate --connection N --out FILE [--certificate KEYFILE]
            A new RSA 2048 key and self-signed certificate (CN = the connection, one year): the public certificate
            to FILE for the app registration, the private PEM to KEYFILE (default FILE.key.pem, mode 600), used from then on
  credentials rotate-master-key --new-key-file FILE
            Re-wrap every sealed credential under a new master key
  daemon    The store's one daemon, for a machine without an editor (sealed credentials, scheduler): listens on the
            user-only socket editors and rampart commands connect to [--stdio: LSP on stdin/stdout, one client]
  lint      Least-privilege analysis of role definitions, ARM templates and Bicep files
              [--format text|json|sarif] [--min-severity error|warning|information] PATHS/GLOBS...
              (folders are walked for .json, .jsonc and .bicep; exit 1 when a finding is an error)
              [--connection N]   also note role definitions that differ from the connection's synced ones (RP030)

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
  'azure-cli': { type: 'boolean' },
  subscription: { type: 'string', multiple: true },
  'management-group': { type: 'string' },
  cloud: { type: 'string' },
  'authority-host': { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'ca-file': { type: 'string' },
  'no-sync': { type: 'boolean' },
  connection: { type: 'string' },
  'new-key-file': { type: 'string' },
  control: { type: 'string' },
  assessment: { type: 'string' },
  evidence: { type: 'string' },
  current: { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  framework: { type: 'string' },
  'stale-after': { type: 'string' },
  format: { type: 'string' },
  'min-severity': { type: 'string' },
  parent: { type: 'string' },
  domain: { type: 'string' },
  visibility: { type: 'string' },
  organization: { type: 'string' },
  explain: { type: 'boolean' },
  stdio: { type: 'boolean' },
} as const;

export type CliValues = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface ParsedArgs { command?: string; values: CliValues; /** Arguments after the command (lint's paths). */ rest: string[] }

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
  if (parsed.positionals.length > 1 && !['lint', 'verify', 'credentials', 'assessment', 'org', 'roles'].includes(parsed.positionals[0])) throw new UsageError(`Unexpected argument '${parsed.positionals[1]}'.`);
  return { command: parsed.positionals[0], values, rest: parsed.positionals.slice(1) };
}
