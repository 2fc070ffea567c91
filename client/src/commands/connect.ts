import {
  AttachConnection, Connect, Organizations, VerifyConnection, type ConnectionSummary, type NewConnection, type RunSummary,
} from '../../../server/src/protocol';
import { customClouds } from '../config';
import type { Credentials } from '../credentials';
import type { Ctx } from '../ctx';
import { ActionableError, errorMessage, isCancellation } from '../errors';
import { countsSentence } from '../format';
import { showError, showInfo } from '../notify';
import type { SyncRunner } from '../sync';
import { connectWizard, type ConnectRequest } from './connectWizard';
import type { Command } from './manager';
import { createChosenOrganization } from './organizations';
import { type OrgOption, orgOptions } from './organizationSteps';
import { reportVerification } from './setup';
import { signInAccount } from '../signIn';

/** What `rampart.connect` returns to `executeCommand` callers (tests, automation). */
export interface ConnectResult {
  connection: ConnectionSummary;
  runs: RunSummary[];
}

/**
 * `rampart.connect`: the guided input (or, for automation, `{ connection, secret }` as the only argument), then
 * Connect, the secret into SecretStorage under the new id, and a first sync whose result is reported.
 */
export class ConnectCommand implements Command {
  readonly id = 'rampart.connect';

  constructor(
    private readonly ctx: Ctx,
    private readonly credentials: Credentials,
    private readonly sync: SyncRunner,
  ) {}

  async execute(arg?: unknown): Promise<ConnectResult> {
    const request = arg === undefined ? await this.prompt() : parseRequest(arg);
    const c = request.connection;
    // Signed in first: a cancelled sign-in leaves no connection behind.
    if (c.credentialKind === 'microsoft-account') await signInAccount(c.cloud, c.tenantId, this.ctx.log);
    const created = await this.ctx.request(Connect.type, c);
    // Ids and endpoints only: the secret is never part of a log line.
    this.ctx.log.info(`Created connection '${created.name}' (${created.id}): tenant ${c.tenantId}, ${c.clientId ? `client ${c.clientId}` : c.credentialKind}, cloud ${describeCloud(c)}`);
    if (request.secret) await this.credentials.store(created.id, created.credentialKind, request.secret);
    if (request.organization) await this.publish(created, request);

    // The connection is a draft: verify it (sign in, the connector's own role assignments) before the first sync.
    // Without read access it waits for permissions (Resume Connection Setup); a failed sign-in is left to the sync
    // below, whose failure offers Update Credentials.
    try {
      const verified = await this.ctx.request(VerifyConnection.type, { connectionId: created.id });
      if (verified.status !== 'draft' && !reportVerification(this.ctx, verified)) return { connection: verified, runs: [] };
    } catch (error) {
      this.ctx.log.warn(`Verification of '${created.name}' failed: ${errorMessage(error)}`);
    }

    let runs: RunSummary[];
    try {
      runs = await this.sync.run({ connectionId: created.id }, `Rampart: first sync of '${created.name}'`);
    } catch (error) {
      if (!isCancellation(error)) throw error;
      showInfo(`Connected '${created.name}'. The first sync was cancelled: run 'Rampart: Sync Now' when ready.`);
      return { connection: created, runs: [] };
    }

    const connections = await this.sync.connectionsById();
    const connection = connections.get(created.id) ?? created;
    const failed = runs.find((r) => r.status === 'failed');
    if (failed) {
      // Worded so it never reads as a success ("Connected '...'" means the first sync worked).
      showError(`First sync of '${created.name}' failed: ${failed.error ?? 'see the log'}`, this.sync.actionsFor(failed, connection, true));
    } else if (runs.some((r) => r.status === 'succeeded')) {
      showInfo(`Connected '${created.name}': ${countsSentence(runs)}`);
    }
    return { connection, runs };
  }

  /**
   * Publishes the new connection's assets as the organization the user described. A failure here leaves the
   * connection in place (it is already created): the message says how to attach it later.
   */
  private async publish(created: ConnectionSummary, request: ConnectRequest): Promise<void> {
    try {
      const org = await createChosenOrganization(this.ctx, request.organization!);
      await this.ctx.request(AttachConnection.type, { connectionId: created.id, organization: org.id });
      this.ctx.log.info(`Connection '${created.name}' publishes its assets as organization '${org.name}' (${org.id})`);
    } catch (error) {
      this.ctx.log.warn(`Organization for '${created.name}': ${errorMessage(error)}`);
      showError(`'${created.name}' was created, but its organization was not: ${errorMessage(error)}`, [
        { title: 'Move Connection to Organization', command: 'rampart.moveConnectionToOrganization', args: [{ connectionId: created.id }] },
      ]);
    }
  }

  private async prompt(): Promise<ConnectRequest> {
    const { clouds, invalid } = customClouds();
    if (invalid > 0) this.ctx.log.warn(`Ignored ${invalid} entries of rampart.clouds: each needs a name, an https authorityHost and an https armEndpoint`);
    let names: string[] = [];
    try {
      names = [...(await this.sync.connectionsById()).values()].map((c) => c.name);
    } catch (error) {
      this.ctx.log.debug(`Existing connection names unavailable: ${errorMessage(error)}`);
    }
    let orgs: OrgOption[] = [];
    try {
      orgs = orgOptions(await this.ctx.request(Organizations.type, {}));
    } catch (error) {
      this.ctx.log.debug(`Existing organizations unavailable: ${errorMessage(error)}`);
    }
    return connectWizard(names, clouds, orgs);
  }
}

function parseRequest(arg: unknown): ConnectRequest {
  const a = arg as Partial<ConnectRequest> | null;
  const c = a?.connection as Partial<NewConnection> | undefined;
  const signIn = c?.credentialKind === 'azure-cli' || c?.credentialKind === 'microsoft-account';
  if (!c || typeof c.name !== 'string' || typeof c.tenantId !== 'string' || !c.cloud || (!signIn && (typeof c.clientId !== 'string' || typeof a?.secret !== 'string'))) {
    throw new ActionableError("rampart.connect expects { connection: NewConnection, secret: string } (no secret for azure-cli and microsoft-account) or no argument.");
  }
  return {
    connection: { ...c, clientId: c.clientId ?? '', credentialKind: c.credentialKind ?? 'secret' } as NewConnection,
    secret: signIn ? '' : a!.secret!,
    ...(a!.organization ? { organization: a!.organization } : {}),
  };
}

function describeCloud(c: NewConnection): string {
  return c.cloud.name === 'Custom' ? `Custom (${c.cloud.armEndpoint}${c.cloud.caFile ? `, CA ${c.cloud.caFile}` : ''})` : c.cloud.name;
}
