import * as vscode from 'vscode';
import { ListConnections, type ConnectionSummary } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { ActionableError, UserCancelledError } from '../errors';
import { statusLabel } from '../format';

export const NO_CONNECTION = (): ActionableError =>
  new ActionableError("No Azure connection yet: run 'Rampart: Connect to Azure...' first.", [
    { title: 'Connect to Azure...', command: 'rampart.connect' },
  ]);

/** Every connection, or an error that offers to connect when there is none. */
export async function listConnections(ctx: Ctx): Promise<ConnectionSummary[]> {
  const connections = await ctx.request0(ListConnections.type);
  if (connections.length === 0) throw NO_CONNECTION();
  return connections;
}

/** The connection with this id, or an error naming it. */
export async function findConnection(ctx: Ctx, id: string): Promise<ConnectionSummary> {
  const found = (await ctx.request0(ListConnections.type)).find((c) => c.id === id);
  if (!found) throw new ActionableError(`There is no connection with id '${id}'. It may have been removed: refresh the Connections view.`);
  return found;
}

interface ConnectionItem extends vscode.QuickPickItem {
  connection?: ConnectionSummary;
}

/**
 * A pick of one connection. With `allLabel`, an item for every connection comes first and picking it returns
 * 'all'. Escape throws UserCancelledError.
 */
export async function pickConnection(connections: ConnectionSummary[], placeHolder: string, allLabel?: string): Promise<ConnectionSummary | 'all'> {
  const items: ConnectionItem[] = connections.map((connection) => ({
    label: connection.name,
    description: statusLabel(connection.status),
    detail: connection.description,
    connection,
  }));
  if (allLabel) items.unshift({ label: allLabel, description: `${connections.length} connections` });
  const chosen = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  if (!chosen) throw new UserCancelledError(placeHolder);
  return chosen.connection ?? 'all';
}
