/**
 * An LSP server connection over one client's socket. Unlike `createConnection` from vscode-languageserver/node,
 * which ends the process when its input closes or the client sends `exit`, this one ends only the session: the
 * daemon keeps serving its other clients.
 */
import type * as net from 'node:net';
import type { Connection } from 'vscode-languageserver';
import { createConnection as createServerConnection, type WatchDog } from 'vscode-languageserver/lib/common/server';
import { SocketMessageReader, SocketMessageWriter, createProtocolConnection } from 'vscode-languageserver/node';

export function socketConnection(socket: net.Socket): Connection {
  let shutdownReceived = false;
  const watchDog: WatchDog = {
    get shutdownReceived() { return shutdownReceived; },
    set shutdownReceived(v: boolean) { shutdownReceived = v; },
    // A client's processId is not watched: its socket closing ends the session.
    initialize: () => undefined,
    exit: () => { socket.end(); },
  };
  return createServerConnection((logger) => createProtocolConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket), logger), watchDog);
}
