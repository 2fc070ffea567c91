/**
 * `rampart`: the same core as the daemon, headless, for terminals and CI pipelines.
 * Exit codes: 0 ok, 1 the operation failed, 2 usage.
 */
import * as path from 'node:path';
import { SdkSessionFactory } from '../azure/clients';
import type { CloudConfig, CloudName, ConnectionSummary, NewConnection, RunSummary, SyncProgress } from '../protocol';
import { DEFAULT_SECRET_ENV } from '../core/credentials';
import { redactingLogger } from '../core/logger';
import { RampartService } from '../core/service';
import { Store } from '../store/store';
import { systemClock } from '../util/clock';
import { redact } from '../util/redact';
import { VERSION } from '../version';
import { type CliValues, USAGE, UsageError, parse } from './args';
import { verifyStoreFile } from '../core/verify';
import { connectionBlock, evidenceTable, findingsBlock, runLine, unknownBlock } from './format';
import { exportCommand, verifyBundleCommand } from './export';
import { lintCommand } from './lint';
import { roleCommand } from './role';
import { cliCredentials, credentialsCommand } from './credentials';
import { daemonCommand } from './daemon';
import { assessmentCommand } from './assessment';
import { rolesCommand } from './roles';
import { gradeCommand, orgCommand, organizationsOf, treeBlock } from './organizations';
import { requireOrganization } from '../evidence/organizations';
import { defaultStoreDir } from './paths';
import { StoreBusyError } from '../host/host';
import { envSettings } from './env-settings';
import { CLI_LOCK_WAIT_MS, type LockInfo, acquireLockWaiting, liveHolder } from '../host/lock';
import { connectDaemon, remoteConnect, remoteRevoke, remoteSync } from './remote';

async function main(argv: string[]): Promise<number> {
  const { command, values, rest } = parse(argv);
  if (values.version) { console.log(VERSION); return 0; }
  if (values.help || !command) { console.log(USAGE); return command || values.help ? 0 : 2; }
  // lint needs no store or connection unless --connection asks to compare with the synced roles: it opens its own.
  if (command === 'lint') return lintCommand(rest, values);
  // role-for-connector needs the store only to read a named connection's subscriptions.
  if (command === 'role-for-connector' && !values.connection) return roleCommand(undefined, values);
  if (!['connect', 'sync', 'status', 'verify', 'revoke', 'export', 'role-for-connector', 'credentials', 'daemon', 'assessment', 'org', 'grade', 'roles'].includes(command)) throw new UsageError(`Unknown command '${command}'.`);
  if (command === 'daemon') return daemonCommand(values.store ?? defaultStoreDir(), !!values.stdio);
  // verify reads the file as it is and never opens the store for writing.
  // verify PATH checks an exported bundle; without PATH, the store's audit log.
  if (command === 'verify') return rest.length ? verifyBundleCommand(rest) : verify(values.store ?? defaultStoreDir());

  const storeDir = values.store ?? defaultStoreDir();
  // One writer per store: a running daemon does the work, or this command holds the store's lock while it does.
  for (let attempt = 0; attempt < 3; attempt++) {
    const holder = await liveHolder(storeDir);
    if (holder?.kind === 'daemon') {
      const code = await throughDaemon(command, values, holder, storeDir);
      if (code !== undefined) return code;
      continue; // the daemon went away meanwhile: look again
    }
    const r = await acquireLockWaiting(storeDir, { kind: 'cli' }, CLI_LOCK_WAIT_MS,
      (h) => process.stderr.write(`Waiting for the rampart command (pid ${h.pid}) working on this store to finish...\n`));
    if (!r.acquired) {
      if (r.holder.kind === 'daemon') continue;
      throw new StoreBusyError(r.holder, storeDir);
    }
    try {
      return await inProcess(command, values, rest, storeDir, true);
    } finally {
      r.lock.release();
    }
  }
  throw new Error(`The daemon of ${storeDir} keeps starting and stopping; try again.`);
}

/** Commands that only read the store: they run beside a daemon, on the store opened read-only (Store.openReadOnly). */
const READ_ONLY = new Set(['status', 'grade', 'role-for-connector']);

/**
 * The command while a daemon holds the store: sync, connect and revoke go to it over its socket; read-only commands read
 * the store here; anything else that writes is refused with what to do. Undefined: the daemon no longer answers.
 */
async function throughDaemon(command: string, values: CliValues, holder: LockInfo, storeDir: string): Promise<number | undefined> {
  if (READ_ONLY.has(command)) return inProcess(command, values, [], storeDir, false);
  if (!['sync', 'connect', 'revoke'].includes(command)) {
    throw new StoreBusyError(holder, storeDir, `'rampart ${command}' changes the store directly, which only one process may do: stop the daemon (pid ${holder.pid}: 'kill ${holder.pid}', or close the editor windows using this store and wait up to 5 minutes, the time a window's daemon outlives its last window) and run it again.`);
  }
  if (command === 'revoke' && !values.connection) throw new UsageError('revoke needs --connection N.');
  if (command === 'connect' && values.organization) throw new UsageError('connect --organization works on the store directly: close the editor windows using this store first, or attach the organization in the editor.');
  const input = command === 'connect' ? connectionInput(values) : undefined;
  const daemon = await connectDaemon(holder, storeDir, progressPrinter());
  if (!daemon) return undefined;
  if (process.env.RAMPART_VERBOSE) process.stderr.write(`[info] using the Rampart daemon (pid ${holder.pid}) serving this store\n`);
  try {
    if (command === 'revoke') return revoked(await remoteRevoke(daemon, values.connection!));
    return input ? await remoteConnect(daemon, input, !values['no-sync']) : await remoteSync(daemon, values.connection);
  } finally {
    daemon.close();
  }
}

/** The command on the store in this process; `writable` only while this process holds the store's lock. */
async function inProcess(command: string, values: CliValues, rest: string[], storeDir: string, writable: boolean): Promise<number> {
  const verbose = !!process.env.RAMPART_VERBOSE;
  const log = redactingLogger((level, line) => { if (verbose || level !== 'info') process.stderr.write(`[${level}] ${line}\n`); });
  const store = writable ? await Store.open(storeDir, { onWarning: (m) => log.warn(m) }) : await Store.openReadOnly(storeDir);
  const service = new RampartService({
    store, clock: systemClock, sessions: new SdkSessionFactory(), credentials: await cliCredentials(storeDir), log,
  });
  service.configure(envSettings(values['stale-after']));
  // Start fails interrupted runs and prunes: writes, for the lock holder only.
  if (writable) await service.start();

  switch (command) {
    case 'connect': return connect(service, values);
    case 'sync': return report(await service.sync(values.connection, { onProgress: progressPrinter() }), service);
    case 'revoke': return revoke(service, values);
    case 'export': return exportCommand(store, values, service.settings);
    case 'role-for-connector': return roleCommand(service, values);
    case 'credentials': return credentialsCommand(service, storeDir, rest, values);
    case 'assessment': return assessmentCommand(service, rest, values);
    case 'roles': return rolesCommand(service, rest, values);
    case 'org': return orgCommand(service, rest, values);
    case 'grade': return gradeCommand(service, values);
    default: return status(service, values);
  }
}

function connectionInput(v: CliValues): NewConnection {
  const cli = v['azure-cli'] === true;
  const required: ('name' | 'tenant' | 'client-id')[] = cli ? ['name', 'tenant'] : ['name', 'tenant', 'client-id'];
  const missing = required.filter((k) => !v[k]);
  if (missing.length) throw new UsageError(`connect needs ${missing.map((m) => '--' + m).join(', ')}.`);
  if (v['client-secret-env'] && v.certificate) throw new UsageError('Give either --client-secret-env or --certificate, not both.');
  if (cli && (v['client-secret-env'] || v.certificate)) throw new UsageError('--azure-cli signs in with your az login: give no --client-secret-env or --certificate.');
  return {
    name: v.name!, description: v.description, tenantId: v.tenant!, clientId: v['client-id'] ?? '',
    credentialKind: cli ? 'azure-cli' : v.certificate ? 'certificate' : 'secret',
    secretEnv: v.certificate || cli ? undefined : v['client-secret-env'] ?? DEFAULT_SECRET_ENV,
    certificateFile: v.certificate ? path.resolve(v.certificate) : undefined,
    subscriptions: v.subscription ?? [], managementGroup: v['management-group'], cloud: cloudFrom(v),
  };
}

async function connect(service: RampartService, v: CliValues): Promise<number> {
  const input = connectionInput(v);
  // An unknown organization fails before the connection is created.
  if (v.organization) requireOrganization(service.store.data, v.organization);
  const conn = await service.connect(input);
  if (v.organization) await organizationsOf(service).attach(conn.id, v.organization);
  console.log(`Connected '${conn.name}' (${conn.id}).`);
  if (v['no-sync']) return 0;
  return report(await service.sync(conn.id, { onProgress: progressPrinter() }), service);
}

function cloudFrom(v: CliValues): CloudConfig {
  if (v['authority-host'] || v['arm-endpoint']) {
    if (v.cloud && v.cloud !== 'Custom') throw new UsageError('--cloud cannot be combined with --authority-host/--arm-endpoint.');
    return { name: 'Custom', authorityHost: v['authority-host'], armEndpoint: v['arm-endpoint'], caFile: absolute(v['ca-file']) };
  }
  const name = (v.cloud ?? 'AzureCloud') as CloudName;
  if (!['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'].includes(name)) {
    throw new UsageError(`Unknown cloud '${v.cloud}': use AzureCloud, AzureUSGovernment, AzureChinaCloud, or --authority-host and --arm-endpoint.`);
  }
  return { name, caFile: absolute(v['ca-file']) };
}

function absolute(file: string | undefined): string | undefined {
  return file ? path.resolve(file) : undefined;
}

function report(runs: RunSummary[], service: RampartService): number {
  if (!runs.length) { console.log('No connections to sync: run rampart connect first.'); return 1; }
  for (const r of runs) console.log(`${service.connection(r.connectionId).name}: ${runLine(r)}`);
  return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
}

async function verify(dir: string): Promise<number> {
  const r = await verifyStoreFile(dir);
  if (r.ok) {
    console.log(`Audit log intact: ${r.rows} row(s) in ${r.file}.`);
    return 0;
  }
  const b = r.broken!;
  console.log(`Audit log BROKEN (${b.kind}) at row ${b.index}${b.id ? ` (${b.id}, ${b.action} at ${b.at})` : ''}: ${b.message}`);
  return 1;
}

async function revoke(service: RampartService, v: CliValues): Promise<number> {
  if (!v.connection) throw new UsageError('revoke needs --connection N.');
  return revoked(await service.revoke(v.connection));
}

function revoked(c: ConnectionSummary): number {
  console.log(`Revoked '${c.name}' (${c.id}) on ${c.deletedAt}: it will not sync again. Its runs and evidence are kept until ${c.pruneAfter?.slice(0, 10)}.`);
  if (c.credentialKind === 'secret') console.log('Remove its client secret from wherever the environment gets it, and delete the secret in Entra ID.');
  else if (c.credentialKind === 'certificate') console.log('Delete the certificate file if nothing else uses it.');
  return 0;
}

function status(service: RampartService, v: CliValues): number {
  const connections = service.listConnections();
  const framework = v.framework;
  if (v.json) {
    console.log(JSON.stringify({
      store: service.store.file, connections, coverage: service.coverage({ framework }), evidence: service.evidenceSummary({ framework }),
      findings: service.findings(), unknown: service.unknowns(),
    }, null, 2));
    return 0;
  }
  console.log(`Store: ${service.store.file}`);
  if (!connections.length) { console.log('No connections yet: run rampart connect.'); return 0; }
  for (const c of connections) console.log(connectionBlock(c) + '\n');
  console.log(evidenceTable(service.evidenceSummary({ framework }), service.coverage({ framework })));
  console.log('\n' + findingsBlock(service.findings()));
  console.log('\n' + unknownBlock(service.unknowns()));
  if (service.store.data.organizations?.length) console.log('\n' + treeBlock(organizationsOf(service).tree(framework)));
  return 0;
}

function progressPrinter(): (p: SyncProgress) => void {
  const tty = process.stderr.isTTY;
  let last = '';
  return (p) => {
    const line = `${p.connectionName}: ${p.message}${p.total > 1 ? ` (${p.done}/${p.total})` : ''}`;
    if (line === last) return;
    last = line;
    process.stderr.write(tty ? `\r\u001b[K${line}` + (p.done === p.total && p.total > 1 ? '\n' : '') : line + '\n');
  };
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`rampart: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`rampart: ${redact((e as Error).message ?? String(e))}\n`);
    if (process.env.RAMPART_VERBOSE) process.stderr.write(redact(String((e as Error).stack)) + '\n');
    process.exitCode = 1;
  },
);
