/**
 * CLI: npx tsx test/emulator/main.ts --scenario FILE [--port N] [--dir DIR] [--json]
 * Starts the emulator, prints where it listens (or one JSON line with --json), runs until SIGINT/SIGTERM.
 * Bad arguments or a missing/malformed scenario: one-line message on stderr, exit code 2.
 */
import { startEmulator, ScenarioError, type EmulatorHandle } from './emulator';

interface CliArgs {
  scenario: string;
  port: number;
  dir?: string;
  json: boolean;
}

class UsageError extends Error {}

const USAGE = 'usage: npx tsx test/emulator/main.ts --scenario FILE [--port N] [--dir DIR] [--json]';

function parseArgs(argv: string[]): CliArgs {
  let scenario: string | undefined;
  let port = 0;
  let dir: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value (${USAGE})`);
      return v;
    };
    switch (flag) {
      case '--scenario':
        scenario = value();
        break;
      case '--port': {
        const v = value();
        port = Number(v);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got '${v}'`);
        break;
      }
      case '--dir':
        dir = value();
        break;
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument '${argv[i]}' (${USAGE})`);
    }
  }
  if (!scenario) throw new UsageError(`--scenario is required (${USAGE})`);
  return { scenario, port, dir, json };
}

function describe(emu: EmulatorHandle): string {
  const apps = emu.scenario.apps.map((a) => `    ${a.clientId}  ${a.displayName ?? ''}`.trimEnd());
  return [
    'Rampart emulator (Entra ID + ARM) is running',
    `  URL:             ${emu.url}`,
    `  Authority host:  ${emu.authorityHost}`,
    `  ARM endpoint:    ${emu.armEndpoint}`,
    `  Tenant:          ${emu.tenantId}${emu.scenario.tenant.displayName ? ` (${emu.scenario.tenant.displayName})` : ''}`,
    `  CA file:         ${emu.caFile}`,
    '  App client ids (secrets are in the scenario file):',
    ...apps,
    '',
    'Point Rampart at it:',
    `  AZURE_CLIENT_SECRET=<the app's secret> node dist/cli.js connect --name Emulator --tenant ${emu.tenantId} \\`,
    `    --client-id ${emu.scenario.apps[0]?.clientId ?? '<client id>'} --authority-host ${emu.authorityHost} --arm-endpoint ${emu.armEndpoint} --ca-file ${emu.caFile}`,
    'Or in VS Code: add it to the "rampart.clouds" user setting, then run "Rampart: Connect to Azure...":',
    `  { "name": "Emulator", "authorityHost": "${emu.authorityHost}", "armEndpoint": "${emu.armEndpoint}", "caFile": "${emu.caFile}" }`,
    'Or any Node process:',
    `  NODE_EXTRA_CA_CERTS=${emu.caFile} NO_PROXY=127.0.0.1,localhost`,
    `Control: ${emu.url}/_emulator/requests, /_emulator/faults (see test/emulator/README.md)`,
    'Ctrl-C to stop.',
  ].join('\n');
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`rampart-emulator: ${(e as Error).message}`);
    process.exit(2);
  }
  let emu: EmulatorHandle;
  try {
    emu = await startEmulator({ scenario: args.scenario, port: args.port, dir: args.dir });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = e instanceof ScenarioError ? err.message : err.code === 'EADDRINUSE' ? `port ${args.port} is already in use` : err.message;
    console.error(`rampart-emulator: ${msg.split('\n')[0]}`);
    process.exit(2);
  }
  if (args.json) {
    console.log(JSON.stringify({ url: emu.url, authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile, tenantId: emu.tenantId }));
  } else {
    console.log(describe(emu));
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!args.json) console.log(`\n${signal}: stopping emulator`);
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
