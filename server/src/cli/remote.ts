/**
 * rampart commands while a daemon serves the store: they go to it over its socket as LSP requests, so the daemon
 * stays the store's only writer. The command answers the daemon's credential requests from its own environment or
 * sealed file, as `rampart sync` does alone.
 */
import type * as net from 'node:net';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../protocol';
import { connectSocket } from '../host/connect';
import type { LockInfo } from '../host/lock';
import type { ConnectionRecord } from '../store/schema';
import { cliCredentials } from './credentials';
import { runLine } from './format';

export interface RemoteDaemon {
  client: ProtocolConnection;
  close(): void;
}

/** An initialized LSP session with the daemon holding the lock, or undefined when it no longer answers. */
export async function connectDaemon(holder: LockInfo, storeDir: string, onProgress: (p: P.SyncProgress) => void): Promise<RemoteDaemon | undefined> {
  const socket: net.Socket | undefined = holder.socket ? await connectSocket(holder.socket) : undefined;
  if (!socket) return undefined;
  const credentials = await cliCredentials(storeDir);
  const client = createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  client.onRequest(P.GetCredential.type, async (p) => {
    const record = { id: p.connectionId, name: p.connectionName, credentialKind: p.kind, secretEnv: p.secretEnv, certificateFile: p.certificateFile } as ConnectionRecord;
    const m = await credentials.get(record);
    return m ? { secret: m.secret, certificatePem: m.certificatePem } : null;
  });
  client.onNotification(P.SyncProgressNotification.type, onProgress);
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await client.sendNotification('initialized', {});
  return { client, close: () => { client.dispose(); socket.end(); } };
}

/** `rampart sync` through the daemon: the same lines as a sync in-process. */
export async function remoteSync(d: RemoteDaemon, connection: string | undefined): Promise<number> {
  // The daemon takes a name or an id, and names the known ones when neither matches.
  const runs = await d.client.sendRequest(P.Sync.type, { connectionId: connection });
  return report(d, runs);
}

/** `rampart connect` through the daemon: create, then sync unless --no-sync. */
export async function remoteConnect(d: RemoteDaemon, input: P.NewConnection, sync: boolean): Promise<number> {
  const conn = await d.client.sendRequest(P.Connect.type, input);
  console.log(`Connected '${conn.name}' (${conn.id}).`);
  if (!sync) return 0;
  return report(d, await d.client.sendRequest(P.Sync.type, { connectionId: conn.id }));
}

/** `rampart revoke` through the daemon. */
export async function remoteRevoke(d: RemoteDaemon, connection: string): Promise<P.ConnectionSummary> {
  return d.client.sendRequest(P.Revoke.type, { connectionId: connection });
}

async function report(d: RemoteDaemon, runs: P.RunSummary[]): Promise<number> {
  if (!runs.length) { console.log('No connections to sync: run rampart connect first.'); return 1; }
  const names = new Map((await d.client.sendRequest(P.ListConnections.type)).map((c) => [c.id, c.name]));
  for (const r of runs) console.log(`${names.get(r.connectionId) ?? r.connectionId}: ${runLine(r)}`);
  return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
}
