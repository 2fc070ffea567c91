import type { RunSummary, SyncParams } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { ActionableError } from '../errors';
import type { SyncRunner } from '../sync';
import type { ConnectionsNode } from '../views/connections';
import type { Command } from './manager';
import { listConnections, pickConnection } from './pick';

/**
 * `rampart.syncNow`. With `{ connectionId }` it syncs that connection, with `{}` every connection; with no argument
 * (palette, status bar) it asks which one when there are several, "All connections" first.
 */
export class SyncNowCommand implements Command {
  readonly id = 'rampart.syncNow';

  constructor(
    private readonly ctx: Ctx,
    private readonly sync: SyncRunner,
  ) {}

  async execute(arg?: { connectionId?: string }): Promise<RunSummary[]> {
    let params: SyncParams;
    let title = 'Rampart: syncing all connections';
    if (arg !== undefined && arg !== null) {
      params = { connectionId: arg.connectionId };
      if (arg.connectionId) title = 'Rampart: syncing';
    } else {
      const connections = await listConnections(this.ctx);
      const chosen = connections.length === 1 ? connections[0] : await pickConnection(connections, 'Which connection to sync?', 'All connections');
      params = chosen === 'all' ? {} : { connectionId: chosen.id };
      if (chosen !== 'all') title = `Rampart: syncing '${chosen.name}'`;
    }
    const runs = await this.sync.run(params, title);
    await this.sync.report(runs);
    return runs;
  }
}

/** `rampart.connections.sync`: the inline Sync button of a connection in the Connections view. */
export class ConnectionSyncCommand implements Command {
  readonly id = 'rampart.connections.sync';

  constructor(private readonly sync: SyncRunner) {}

  async execute(node?: ConnectionsNode): Promise<RunSummary[]> {
    if (node?.kind !== 'connection') throw new ActionableError("Use the Sync button of a connection in the Connections view, or run 'Rampart: Sync Now'.");
    const runs = await this.sync.run({ connectionId: node.connection.id }, `Rampart: syncing '${node.connection.name}'`);
    await this.sync.report(runs);
    return runs;
  }
}
