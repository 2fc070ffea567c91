/**
 * The daemon's roles requests (rampart/roles, rampart/setRole). Enforcement itself is in the service (core/roles.ts):
 * every admin-only request fails there for a viewer, with the message the client shows.
 */
import type { Connection } from 'vscode-languageserver';
import * as P from './protocol';
import type { RampartService } from './core/service';

export interface RolesHandlerDeps {
  service(): RampartService;
  changed(reason: string): void;
}

export function registerRolesHandlers(connection: Connection, deps: RolesHandlerDeps): void {
  connection.onRequest(P.Roles.type, () => deps.service().roles());
  connection.onRequest(P.SetRole.type, async (p) => {
    const view = await deps.service().setRole(p);
    deps.changed('roles');
    return view;
  });
}
