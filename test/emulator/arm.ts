/**
 * ARM: bearer-token check, then a small route table. Add a resource provider as a module `arm-<provider>.ts`
 * exporting `ArmRoute[]` and list it in `armRoutes` below. A route is a RegExp with optional named groups `sub`
 * (checked for existence and read access) and `rg` (checked for existence), the action named in a 403, and a
 * handler returning `{ list }` (paged here) or `{ body }`, or throwing ArmError.
 */
import { ArmError, normalizePath, sendArmError, sendJson, type RequestContext } from './http';
import { authorizationFailedMessage, canRead, findApp, findSubscription } from './arm-common';
import { verifyAccessToken } from './tokens';
import { pageOf } from './paging';
import { takeReadToken } from './ratelimit';
import type { ScenarioApp, ScenarioSubscription } from './scenario';
import { resourcesRoutes } from './arm-resources';
import { authorizationRoutes } from './arm-authorization';
import { securityRoutes } from './arm-security';
import { storageRoutes } from './arm-storage';
import { keyVaultRoutes } from './arm-keyvault';
import { networkRoutes } from './arm-network';
import { managementRoutes } from './arm-management';
import { resourceGraphRoutes } from './arm-resourcegraph';

export interface ArmRouteContext extends RequestContext {
  app: ScenarioApp;
  /** The subscription named by the `sub` group, after existence and access checks. */
  sub?: ScenarioSubscription;
  /** Named groups of the route's pattern (undefined groups left out). */
  groups: Record<string, string>;
}

export type ArmResult = { list: unknown[] } | { body: unknown; status?: number };

export interface ArmRoute {
  /** Default GET. */
  method?: string;
  /** Tested against the normalized path; give it the `i` flag. */
  pattern: RegExp;
  /** Permission named in a 403 AuthorizationFailed for this route. */
  action: string;
  handle(ctx: ArmRouteContext): ArmResult;
}

/** Every ARM route, first match wins. */
export const armRoutes: ArmRoute[] = [
  ...resourcesRoutes, ...authorizationRoutes, ...securityRoutes, ...storageRoutes, ...keyVaultRoutes, ...networkRoutes, ...managementRoutes,
  ...resourceGraphRoutes,
  ...resourceGraphRoutes,
];

function findRoute(method: string, path: string): { route: ArmRoute; groups: Record<string, string> } | undefined {
  for (const route of armRoutes) {
    if ((route.method ?? 'GET') !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const groups: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[k] = decodeURIComponent(v);
    return { route, groups };
  }
  return undefined;
}

function subscriptionScope(path: string): string {
  const m = /^\/subscriptions\/([^/]+)/i.exec(path);
  return m ? `/subscriptions/${decodeURIComponent(m[1])}` : path;
}

/** A 403 AuthorizationFailed for this request, naming the route's action (used by the `forbidden` fault too). */
export function sendForbidden(ctx: RequestContext): void {
  const action = findRoute(ctx.method, ctx.path)?.route.action ?? `${ctx.method === 'GET' ? 'Microsoft.Resources/subscriptions/read' : 'Microsoft.Resources/subscriptions/write'}`;
  sendArmError(ctx, 403, 'AuthorizationFailed', authorizationFailedMessage(ctx, action, subscriptionScope(ctx.path)));
}

/** Sets ctx.clientId from a valid bearer token, if any (before faults, so the log and 403s name the caller). */
export function identifyCaller(ctx: RequestContext): void {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (!m) return;
  const check = verifyAccessToken(ctx.state, m[1], ctx.baseUrl);
  if (check.ok) ctx.clientId = check.claims.appid;
}

function unauthorized(ctx: RequestContext, code: string, message: string): void {
  const tid = ctx.state.scenario.tenant.id;
  sendArmError(ctx, 401, code, message, {
    'www-authenticate': `Bearer authorization_uri="${ctx.baseUrl}/${tid}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

export function handleArm(ctx: RequestContext): void {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (!m) return unauthorized(ctx, 'InvalidAuthenticationToken', "Authentication failed. The 'Authorization' header is missing.");
  const check = verifyAccessToken(ctx.state, m[1], ctx.baseUrl);
  if (!check.ok) return unauthorized(ctx, check.code, check.message);
  ctx.clientId = check.claims.appid;
  const app = findApp(ctx.state, ctx.clientId);
  if (!app) return unauthorized(ctx, 'InvalidAuthenticationToken', 'The access token is invalid.');
  if (!takeReadToken(ctx)) return;

  try {
    if (!ctx.query['api-version']) {
      throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    const canned = ctx.method === 'GET'
      ? ctx.state.scenario.responses?.find((r) => normalizePath(r.path).toLowerCase() === ctx.path.toLowerCase())
      : undefined;
    if (canned) {
      const body = canned.body as { value?: unknown[] } | null;
      return sendJson(ctx, 200, Array.isArray(body?.value) ? pageOf(ctx, body.value) : canned.body);
    }
    const found = findRoute(ctx.method, ctx.path);
    if (!found) throw unknownRoute(ctx);
    const { route, groups } = found;
    const rctx: ArmRouteContext = Object.assign(ctx, { app, groups });
    if (groups.sub !== undefined) {
      const sub = findSubscription(ctx.state, groups.sub);
      if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${groups.sub}' could not be found.`);
      if (!canRead(app, sub.id)) {
        throw new ArmError(403, 'AuthorizationFailed', authorizationFailedMessage(ctx, route.action, `/subscriptions/${sub.id}`));
      }
      rctx.sub = sub;
      if (groups.rg !== undefined && !(sub.resourceGroups ?? []).some((g) => g.name.toLowerCase() === groups.rg.toLowerCase())) {
        throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${groups.rg}' could not be found.`);
      }
    }
    const result = route.handle(rctx);
    if ('list' in result) sendJson(ctx, 200, pageOf(ctx, result.list));
    else sendJson(ctx, result.status ?? 200, result.body);
  } catch (e) {
    if (e instanceof ArmError) return sendArmError(ctx, e.status, e.code, e.message, e.headers);
    throw e;
  }
}

function unknownRoute(ctx: RequestContext): ArmError {
  const apiVersion = ctx.query['api-version'];
  const p = /\/providers\/([^/]+)\/([^/]+)/i.exec(ctx.path);
  if (p) {
    return new ArmError(
      404,
      'InvalidResourceType',
      `The resource type '${p[2]}' could not be found in the namespace '${p[1]}' for api version '${apiVersion}'.`,
    );
  }
  return new ArmError(404, 'ResourceNotFound', `The requested resource '${ctx.path}' was not found.`);
}
