/**
 * The Rampart daemon: an LSP server that serves the custom `rampart/...` methods over whatever connection it is
 * handed. It owns no process concerns (see server.ts) so tests run it in-process over streams.
 */
import { type CancellationToken, type Connection, TextDocumentSyncKind } from 'vscode-languageserver';
import * as P from './protocol';
import type { AzureSessionFactory } from './azure/clients';
import type { CredentialMaterial } from './azure/clients';
import { CredentialChain, type CredentialSource, EnvironmentCredentialSource } from './core/credentials';
import { type Logger, redactingLogger } from './core/logger';
import { RampartService } from './core/service';
import type { ConnectionRecord } from './store/schema';
import { Store } from './store/store';
import type { Clock } from './util/clock';
import { VERSION } from './version';

export interface DaemonOptions {
  storeDir: string;
  clock: Clock;
  sessions: AzureSessionFactory;
  /** Extra credential sources tried after the client's SecretStorage (default: environment and certificate files). */
  fallbackCredentials?: CredentialSource;
  concurrency?: number;
}

export class Daemon {
  private service?: RampartService;
  private readonly log: Logger;

  constructor(private readonly connection: Connection, private readonly options: DaemonOptions) {
    this.log = redactingLogger((level, line) => connection.console[level === 'warn' ? 'warn' : level](line));
  }

  /** Registers every handler; call once, before `connection.listen()`. */
  register(): void {
    const c = this.connection;
    c.onInitialize(async () => {
      await this.open();
      return {
        capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
        serverInfo: { name: 'rampart-daemon', version: VERSION },
      };
    });
    c.onRequest(P.ListConnections.type, () => this.svc().listConnections());
    c.onRequest(P.Connect.type, async (params) => {
      const summary = await this.svc().connect(params);
      this.changed('connect');
      return summary;
    });
    c.onRequest(P.Sync.type, async (params, token) => {
      const runs = await this.svc().sync(params.connectionId, {
        abortSignal: toAbortSignal(token),
        onProgress: (p) => void c.sendNotification(P.SyncProgressNotification.type, p),
      });
      this.changed('sync');
      return runs;
    });
    c.onRequest(P.EvidenceSummary.type, (p) => this.svc().evidenceSummary(p?.connectionId));
    c.onRequest(P.EvidenceRows.type, (p) => this.svc().evidenceRows(p));
    c.onRequest(P.Coverage.type, (p) => this.svc().coverage(p?.connectionId));
    c.onRequest(P.Status.type, () => ({
      version: VERSION, storePath: this.svc().store.file, schemaVersion: this.svc().store.data.schemaVersion,
      runningSyncs: this.svc().runningSyncs(),
    }));
  }

  private async open(): Promise<void> {
    if (this.service) return;
    const store = await Store.open(this.options.storeDir, { onWarning: (m) => this.log.warn(m) });
    const credentials = new CredentialChain([
      new ClientCredentialSource(this.connection),
      this.options.fallbackCredentials ?? new EnvironmentCredentialSource(),
    ]);
    this.service = new RampartService({
      store, clock: this.options.clock, sessions: this.options.sessions, credentials, log: this.log,
      concurrency: this.options.concurrency,
    });
    await this.service.start();
    this.log.info(`Rampart daemon ${VERSION} on store ${store.file}`);
  }

  private svc(): RampartService {
    if (!this.service) throw new Error('The Rampart daemon is still starting.');
    return this.service;
  }

  private changed(reason: string): void {
    void this.connection.sendNotification(P.StoreChanged.type, { reason });
  }
}

/** Asks the editor for the credential it keeps in SecretStorage. */
class ClientCredentialSource implements CredentialSource {
  constructor(private readonly connection: Connection) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    const r = await this.connection.sendRequest(P.GetCredential.type, { connectionId: c.id, connectionName: c.name, kind: c.credentialKind });
    if (!r) return undefined;
    return r.secret || r.certificatePem ? { secret: r.secret, certificatePem: r.certificatePem } : undefined;
  }
}

function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
