/**
 * The daemon's organization requests: the tree (rampart/organizations) and its management (create, update, delete,
 * attach a connection). Admin checks and audit rows are in the core (core/organizations.ts), shared with the CLI.
 */
import type { Connection } from 'vscode-languageserver';
import * as P from './protocol';
import { Organizations } from './core/organizations';
import type { RampartService } from './core/service';
import type { Clock } from './util/clock';

export interface OrganizationHandlerDeps {
  service(): RampartService;
  clock: Clock;
  changed(reason: string): void;
}

export function registerOrganizationHandlers(connection: Connection, deps: OrganizationHandlerDeps): void {
  const orgs = () => Organizations.of(deps.service(), deps.clock);
  const changing = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work;
    deps.changed('organizations');
    return result;
  };
  // Reading the tree needs no admin rights (Organizations.of's admin check guards the changes only).
  connection.onRequest(P.Organizations.type, (p) => orgs().tree(p?.framework));
  connection.onRequest(P.CreateOrganization.type, (p) => changing(orgs().create(p)));
  connection.onRequest(P.UpdateOrganization.type, (p) => changing(orgs().update(p)));
  connection.onRequest(P.DeleteOrganization.type, (p) => changing(orgs().delete(p.organization)));
  connection.onRequest(P.AttachConnection.type, (p) => changing(orgs().attach(p.connectionId, p.organization)));
}
