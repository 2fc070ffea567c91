import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  type LanguageClientOptions,
  type RequestType,
  type RequestType0,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ExportProgressNotification, GetAccessToken, GetCredential, ShutdownDaemon, StoreChanged, SyncProgressNotification, type ExportProgress, type SyncProgress } from '../../server/src/protocol';
import { connectOrStart } from '../../server/src/host/connect';
import { VERSION } from '../../server/src/version';
import type { Credentials } from './credentials';
import { answerAccessToken } from './signIn';
import { ActionableError, DaemonNotRunningError, errorMessage, isConnectionLost } from './errors';
import { Log, redactingTraceChannel } from './log';
import { lintConfigWatcher, lintDocumentSelector } from './lint';
import { SECTION, daemonSettings } from './config';

export type DaemonState = 'stopped' | 'starting' | 'running' | 'failed';

/** How long a stop waits for the daemon's shutdown/exit handshake before the connection is dropped. */
const STOP_TIMEOUT_MS = 3000;
/** A daemon this window starts exits this long after its last window closed. */
const DAEMON_IDLE_EXIT_MS = 5 * 60_000;

/**
 * Owns this window's connection to the store's one daemon (host/): the first window starts it detached, every window
 * connects to its user-only socket, and when the connection drops (the daemon crashed or was restarted) the client
 * reconnects, starting a new daemon if none holds the store's lock. Two disposable lists: `pushExt` for what lives as long as the extension (events,
 * views, commands) and the client list for what lives as long as one LanguageClient (its handlers). Restart stops
 * with a timeout, disposes the client list, and starts a fresh client, so a client that failed to start is never
 * reused. Views and commands never hold the client: they call `request`, which waits for a start in progress.
 */
export class Ctx implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientSubscriptions: vscode.Disposable[] = [];
  private readonly extensionSubscriptions: vscode.Disposable[] = [];
  private starting: Promise<LanguageClient> | undefined;
  private stopping = false;
  /** Restart asked the shared daemon to exit: its connection closing is expected, not a crash to reconnect from. */
  private restarting = false;
  private _state: DaemonState = 'stopped';
  private lastError: string | undefined;

  private readonly storeChangedEmitter = new vscode.EventEmitter<{ reason: string }>();
  /** The daemon says the store changed (connect, end of a sync); views refresh. */
  readonly onStoreChanged = this.storeChangedEmitter.event;
  private readonly syncProgressEmitter = new vscode.EventEmitter<SyncProgress>();
  readonly onSyncProgress = this.syncProgressEmitter.event;
  private readonly exportProgressEmitter = new vscode.EventEmitter<ExportProgress>();
  readonly onExportProgress = this.exportProgressEmitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<DaemonState>();
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    readonly log: Log,
    private readonly credentials: Credentials,
  ) {
    this.pushExt(this.storeChangedEmitter, this.syncProgressEmitter, this.stateEmitter);
    this.pushExt(this.exportProgressEmitter);
  }

  get storePath(): string {
    return this.extension.globalStorageUri.fsPath;
  }

  get state(): DaemonState {
    return this._state;
  }

  /** Registers something that lives until the extension deactivates. */
  pushExt(...disposables: vscode.Disposable[]): void {
    this.extensionSubscriptions.push(...disposables);
  }

  /** Starts the daemon, or joins a start in progress. Rejects with a DaemonNotRunningError the user can act on. */
  start(): Promise<LanguageClient> {
    if (this.client && this._state === 'running') return Promise.resolve(this.client);
    this.starting ??= this.startClient().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stops the daemon (waiting at most STOP_TIMEOUT_MS) and drops everything tied to that client. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.stopping = true;
    try {
      if (client?.needsStop()) await client.stop(STOP_TIMEOUT_MS);
    } catch (error) {
      this.log.warn(`The daemon did not stop cleanly: ${errorMessage(error)}`);
    } finally {
      this.stopping = false;
      this.disposeClientSubscriptions();
      this.setState('stopped');
    }
  }

  /**
   * Restarts the shared daemon (it then reads the store afresh): asks it to exit, which every window sees as a lost
   * connection and reconnects from; this window starts the new one (or joins one another window started).
   */
  async restart(): Promise<void> {
    this.log.info('Restarting the daemon');
    this.restarting = true;
    try {
      if (this.client && this._state === 'running') {
        await this.client.sendRequest(ShutdownDaemon.type).catch((e: unknown) => this.log.warn(`The daemon did not take the restart: ${errorMessage(e)}`));
      }
      await this.stop();
    } finally {
      this.restarting = false;
    }
    await this.start();
  }

  /** A typed request to the daemon. Waits for a start in progress; a lost connection becomes DaemonNotRunningError. */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.running();
    try {
      return await client.sendRequest(type, params, token);
    } catch (error) {
      throw isConnectionLost(error) ? new DaemonNotRunningError('the connection was lost') : error;
    }
  }

  async request0<R>(type: RequestType0<R, void>, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.running();
    try {
      return await client.sendRequest(type, token);
    } catch (error) {
      throw isConnectionLost(error) ? new DaemonNotRunningError('the connection was lost') : error;
    }
  }

  dispose(): void {
    this.disposeClientSubscriptions();
    for (const d of this.extensionSubscriptions.splice(0).reverse()) d.dispose();
  }

  private async running(): Promise<LanguageClient> {
    if (this.starting) return this.starting;
    // 'starting' without a start promise is the language client restarting a crashed daemon: it queues requests.
    if (this.client && (this._state === 'running' || this._state === 'starting')) return this.client;
    throw new DaemonNotRunningError(this.lastError);
  }

  private async startClient(): Promise<LanguageClient> {
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    if (!fs.existsSync(serverModule)) {
      this.lastError = 'dist/server.js is missing';
      this.setState('failed');
      throw new ActionableError(`The Rampart daemon is missing (${serverModule}). Rebuild the extension with 'npm run build'.`);
    }
    // The daemon opens its store in this folder and assumes it exists.
    await vscode.workspace.fs.createDirectory(this.extension.globalStorageUri);

    // Called again by the language client each time it reconnects.
    const serverOptions: ServerOptions = async () => {
      const socket = await connectOrStart({
        storeDir: this.storePath, serverModule, idleExitMs: DAEMON_IDLE_EXIT_MS, version: VERSION, log: (line) => this.log.info(line),
      });
      return { reader: socket, writer: socket };
    };
    const configWatcher = lintConfigWatcher();
    this.clientSubscriptions.push(configWatcher);
    const clientOptions: LanguageClientOptions = {
      // JSON, JSONC, Bicep and the rampart.lint.files globs: the daemon lints role definitions, ARM templates, Bicep.
      documentSelector: lintDocumentSelector(),
      outputChannel: this.log.channel,
      traceOutputChannel: redactingTraceChannel(this.log.channel),
      // Failed syncs are expected (expired secrets); the notifications offer "Show Log" instead of popping the panel.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // rampart.staleAfter, retentionDays, gracePeriodDays: read at start, re-read by the daemon on each change.
      initializationOptions: daemonSettings(),
      synchronize: { configurationSection: SECTION, fileEvents: configWatcher },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        // The shared daemon went away: reconnect (serverOptions starts a new one if none holds the store's lock).
        closed: () => this.restarting || this.stopping
          ? { action: CloseAction.DoNotRestart, handled: true }
          // handled: the message goes to the log only (another window's Restart Daemon drops every window's connection).
          : { action: CloseAction.Restart, message: 'The connection to the Rampart daemon was lost; reconnecting.', handled: true },
      },
    };
    // The id 'rampart' makes the client read `rampart.trace.server` itself.
    const client = new LanguageClient('rampart', 'Rampart', serverOptions, clientOptions);
    this.clientSubscriptions.push(
      client.onRequest(GetCredential.type, async (params) => {
        const answer = await this.credentials.answer(params);
        this.log.info(`Daemon asked for the ${params.kind} of '${params.connectionName}': ${answer ? 'answered' : 'none stored'}`);
        return answer;
      }),
      client.onRequest(GetAccessToken.type, (params) => answerAccessToken(params, this.log)),
      client.onNotification(StoreChanged.type, (e) => this.storeChangedEmitter.fire(e)),
      client.onNotification(SyncProgressNotification.type, (p) => this.syncProgressEmitter.fire(p)),
      client.onNotification(ExportProgressNotification.type, (p) => this.exportProgressEmitter.fire(p)),
      client.onDidChangeState((e) => this.onClientState(client, e.newState)),
    );

    this.client = client;
    this.setState('starting');
    try {
      await client.start();
    } catch (error) {
      this.lastError = errorMessage(error);
      this.log.error('The daemon failed to start', error);
      this.client = undefined;
      this.disposeClientSubscriptions();
      // A client that failed to start cannot be started again; dispose it and build a new one next time.
      void Promise.resolve(client.dispose(STOP_TIMEOUT_MS)).catch(() => undefined);
      this.setState('failed');
      throw new DaemonNotRunningError(this.lastError);
    }
    this.lastError = undefined;
    this.log.info(`Daemon started (store ${this.storePath})`);
    this.setState('running');
    return client;
  }

  /** The language client restarts a crashed daemon on its own; mirror its state so views and status bar follow. */
  private onClientState(client: LanguageClient, state: State): void {
    if (client !== this.client || this.stopping || this.restarting || this.starting) return;
    if (state === State.Running) {
      this.setState('running');
    } else if (state === State.Starting) {
      this.setState('starting');
    } else if (state === State.Stopped) {
      this.lastError = 'it stopped unexpectedly';
      this.log.error('The daemon stopped unexpectedly');
      this.setState('stopped');
    }
  }

  private setState(state: DaemonState): void {
    if (this._state === state) return;
    this._state = state;
    this.stateEmitter.fire(state);
  }

  private disposeClientSubscriptions(): void {
    for (const d of this.clientSubscriptions.splice(0).reverse()) d.dispose();
  }
}
