/**
 * Resumable connection setup: draft → awaiting-permissions → verified → active. Verification signs in, finds what
 * the principal can read, and reads its own role assignments (ARM `$filter=assignedTo('{objectId}')`) to warn when
 * the connector holds more than it needs: anything beyond Reader and Security Reader (or Rampart's own read-only
 * role), and above all any role that can write, delete or act.
 */
import { stringClaim } from '../util/jwt';
import type { ConnectionStatus, SetupReport } from '../protocol';
import { resolveCloud } from '../azure/clouds';
import type { AzureSession, AzureSessionFactory } from '../azure/clients';
import { toSyncError } from '../azure/errors';
import { managementGroupSubscriptions } from '../sync/collect';
import type { ConnectionRecord } from '../store/schema';
import type { Clock } from '../util/clock';
import { ROLE_NAME, managementGroupScope } from './connector-role';
import { type CredentialSource, missingCredentialMessage } from './credentials';

/** Statuses of a connection whose setup has not finished (no successful sync yet). */
export const UNFINISHED: ReadonlySet<ConnectionStatus> = new Set(['draft', 'awaiting-permissions', 'verified', 'never-synced']);

/** Roles a connector may hold without a warning (names, lower case). */
const NEEDED_ROLES = new Set(['reader', 'security reader', ROLE_NAME.toLowerCase()]);
/** Roles that always warrant a warning, whatever their permissions are read as. */
const BROAD_ROLES = new Set(['owner', 'contributor', 'user access administrator']);

export interface SetupDeps { clock: Clock; sessions: AzureSessionFactory; credentials: CredentialSource }

export interface SetupOutcome {
  /** The status the connection moves to; undefined leaves it as it is. */
  status: 'draft' | 'awaiting-permissions' | 'verified';
  statusDetail?: string;
  setup: SetupReport;
}

interface RoleDefinitionLike {
  roleName?: string;
  permissions?: { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] }[];
}

/** Whether a role can change anything: a wildcard, or an action ending in write, delete or action (control or data plane). */
export function roleWrites(def: RoleDefinitionLike): boolean {
  if (BROAD_ROLES.has((def.roleName ?? '').toLowerCase())) return true;
  const ops = (def.permissions ?? []).flatMap((p) => [...(p.actions ?? []), ...(p.dataActions ?? [])]);
  return ops.some((op) => /(^|\/)\*$/.test(op.trim()) || /\/(write|delete|action)$/i.test(op.trim()));
}

export async function verifySetup(deps: SetupDeps, conn: ConnectionRecord): Promise<SetupOutcome> {
  const checkedAt = deps.clock.now().toISOString();
  const report: SetupReport = { checkedAt, readableSubscriptions: 0, roles: [], commands: [] };
  const material = await deps.credentials.get(conn);
  if (!material) return { status: 'draft', statusDetail: missingCredentialMessage(conn), setup: report };
  const errors = { connectionName: conn.name, clientId: conn.clientId, tenantId: conn.tenantId };
  const cloud = resolveCloud(conn.cloud);
  let session: AzureSession;
  let token: string;
  try {
    session = await deps.sessions.create(cloud, conn.tenantId, conn.clientId, material);
    const t = await session.credential.getToken(cloud.armScope, { enableCae: true });
    if (!t) throw new Error('no access token');
    token = t.token;
  } catch (e) {
    const err = toSyncError(e, { ...errors, step: 'a token' });
    return { status: 'draft', statusDetail: `Sign-in failed: ${err.message}`, setup: report };
  }
  report.principalObjectId = objectIdOf(token);

  // What the principal can read: the configured subscriptions, its management group's, or every one it sees.
  const readable: string[] = [];
  try {
    const client = session.subscriptions();
    const ids = conn.managementGroup ? await managementGroupSubscriptions(session, conn.managementGroup) : conn.subscriptions;
    if (!conn.managementGroup && ids.length === 0) {
      for await (const s of client.subscriptions.list()) if (s.subscriptionId && s.state !== 'Disabled') readable.push(s.subscriptionId);
    } else {
      for (const id of ids) {
        try {
          await client.subscriptions.get(id);
          readable.push(id);
        } catch (e) {
          if (!isForbidden(e)) throw e;
        }
      }
    }
  } catch (e) {
    if (!isForbidden(e)) {
      const err = toSyncError(e, { ...errors, step: 'subscriptions' });
      return { status: 'draft', statusDetail: `Verification failed: ${err.message}`, setup: report };
    }
  }
  report.readableSubscriptions = readable.length;
  if (readable.length === 0) {
    report.commands = grantCommands(conn, report.principalObjectId);
    const where = conn.managementGroup ? `management group '${conn.managementGroup}'` : conn.subscriptions.length ? 'the configured subscriptions' : 'any subscription';
    return {
      status: 'awaiting-permissions',
      statusDetail: `Signed in, but the connector cannot read ${where} yet. Assign it Reader and Security Reader, then resume the setup:\n${report.commands.join('\n')}`,
      setup: report,
    };
  }

  // Its own role assignments on each readable subscription, with their definitions.
  const defs = new Map<string, RoleDefinitionLike>();
  const seen = new Set<string>();
  for (const s of report.principalObjectId ? readable : []) {
    const authz = session.authorization(s);
    try {
      for await (const a of authz.roleAssignments.listForSubscription({ filter: `assignedTo('${report.principalObjectId}')` })) {
        if (!a.id || seen.has(a.id.toLowerCase()) || !a.roleDefinitionId) continue;
        seen.add(a.id.toLowerCase());
        const key = a.roleDefinitionId.split('/').pop()!.toLowerCase();
        if (!defs.has(key)) defs.set(key, await authz.roleDefinitions.getById(a.roleDefinitionId));
        const def = defs.get(key)!;
        const writes = roleWrites(def);
        const roleName = def.roleName ?? key;
        // Reader and Security Reader are what a connector needs (Security Reader's Microsoft.Support/* included);
        // Rampart's own role only while it still reads only.
        const needed = NEEDED_ROLES.has(roleName.toLowerCase()) && (roleName !== ROLE_NAME || !writes);
        report.roles.push({ roleName, scope: a.scope ?? `/subscriptions/${s}`, writes, excess: !needed });
      }
    } catch (e) {
      if (!isForbidden(e)) {
        const err = toSyncError(e, { ...errors, subscriptionId: s, step: 'role assignments' });
        return { status: 'draft', statusDetail: `Verification failed: ${err.message}`, setup: report };
      }
    }
  }
  const excess = report.roles.filter((r) => r.excess);
  if (excess.length) {
    const names = [...new Set(excess.map((r) => r.roleName))];
    const writing = [...new Set(excess.filter((r) => r.writes).map((r) => r.roleName))];
    report.commands = [
      `az role definition create --role-definition @rampart-connector-role.json   # from 'Rampart: Generate Least-Privilege Role for Connector'`,
      ...excess.map((r) => `az role assignment delete --assignee ${assignee(conn, report.principalObjectId)} --role "${r.roleName}" --scope ${r.scope}`),
    ];
    report.warning = `The connector holds more than it needs: ${names.join(', ')}` +
      (writing.length ? ` (${writing.join(', ')} can change resources or access)` : '') +
      `. It needs only Reader and Security Reader, or the least-privilege role '${ROLE_NAME}' ('Rampart: Generate Least-Privilege Role for Connector'). ` +
      `Remove the extra assignments:\n${report.commands.slice(1).join('\n')}`;
  }
  return { status: 'verified', statusDetail: report.warning, setup: report };
}

/** The role assignments to create for a connector that reads nothing yet. */
export function grantCommands(conn: Pick<ConnectionRecord, 'clientId' | 'subscriptions' | 'managementGroup'>, principalObjectId?: string): string[] {
  const scopes = conn.managementGroup ? [managementGroupScope(conn.managementGroup)]
    : conn.subscriptions.length ? conn.subscriptions.map((s) => `/subscriptions/${s}`) : ['/subscriptions/<subscription-id>'];
  return scopes.flatMap((scope) => ['Reader', 'Security Reader'].map((role) =>
    `az role assignment create --assignee ${assignee(conn, principalObjectId)} --role "${role}" --scope ${scope}`));
}

/** The app's client id; for a sign-in connection (no app) the signed-in principal's object id from its token. */
function assignee(conn: Pick<ConnectionRecord, 'clientId'>, principalObjectId: string | undefined): string {
  return conn.clientId || principalObjectId || '<object-id>';
}

function isForbidden(e: unknown): boolean {
  const x = e as { statusCode?: number; code?: string } | undefined;
  return x?.statusCode === 403 || x?.code === 'AuthorizationFailed';
}

/** The `oid` claim of an access token (the principal's object id); undefined when it cannot be read. */
export function objectIdOf(accessToken: string): string | undefined {
  return stringClaim(accessToken, 'oid');
}
