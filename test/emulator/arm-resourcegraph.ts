/**
 * Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources (QueryRequest in, QueryResponse out).
 * The query (KQL subset, kql.ts) runs over tables generated from the scenario (resource-graph-tables.ts) for the
 * request's subscriptions that the app may read (all it may read when none are given). Paging: options.$top (default
 * 100, at most 1000), options.$skip, and options.$skipToken, which names a snapshot of the first page's result: later
 * pages read that snapshot, as ARG's do (the query is not run again); $skip with a $skipToken reads that snapshot
 * from row $skip. options.authorizationScopeFilter (default AtScopeAndBelow) picks the role assignments of
 * authorizationresources: with AtScopeAndAbove or AtScopeAboveAndBelow, also those of the management groups above the
 * subscriptions (resource-graph-tables.ts). A query that projects away `id` cannot page: it gets its first page with
 * resultTruncated "true" and no $skipToken. Only resultFormat objectArray is served.
 * Quota (scenario.resourceGraphQuota): `queries` requests per app per `windowSeconds` fixed window, every page
 * counting; each answer carries x-ms-user-quota-remaining and x-ms-user-quota-resets-after (hh:mm:ss); over quota
 * answers 429 RateLimiting with those headers (remaining 0) and no Retry-After, unless `retryAfter` is true.
 */
import { randomUUID } from 'node:crypto';
import type { ArmRoute, ArmRouteContext } from './arm';
import { canRead } from './arm-common';
import { ArmError } from './http';
import { KqlError, parseKql, runKql, selectedTypes } from './kql';
import { SCOPE_FILTERS, tableRows, type ArgRow, type ScopeFilter } from './resource-graph-tables';

export const RESOURCE_GRAPH_PATH = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;

interface QueryBody {
  query?: unknown;
  subscriptions?: unknown;
  managementGroups?: unknown;
  options?: { $top?: unknown; $skip?: unknown; $skipToken?: unknown; resultFormat?: unknown; authorizationScopeFilter?: unknown };
}

/** Keeps a result for its $skipToken pages (the newest 32 results per emulator). */
function remember(ctx: ArmRouteContext, rows: ArgRow[]): string {
  const snapshots = (ctx.state.argSnapshots ??= new Map());
  const id = randomUUID();
  snapshots.set(id, rows);
  while (snapshots.size > 32) snapshots.delete(snapshots.keys().next().value!);
  return id;
}

function encodeToken(id: string, offset: number): string {
  return Buffer.from(`rampart-arg:${id}:${offset}`).toString('base64url');
}

function decodeToken(ctx: ArmRouteContext, token: string): { id: string; rows: ArgRow[]; offset: number } {
  const m = /^rampart-arg:([\w-]+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const rows = m ? ctx.state.argSnapshots?.get(m[1]) : undefined;
  if (!m || !rows) throw badRequest('InvalidSkipToken', `The $skipToken '${token}' is not valid or has expired.`);
  return { id: m[1], rows, offset: Number(m[2]) };
}

function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, 'BadRequest', `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}. ${code}: ${message}`);
}

function skipOf(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest('InvalidSkip', '$skip must be a non-negative integer.');
  return n;
}

/** A duration as hh:mm:ss, rounded up to whole seconds (as ARG reports it). */
const hms = (ms: number) => new Date(Math.ceil(Math.max(0, ms) / 1000) * 1000).toISOString().slice(11, 19);

/** Counts this request against the app's quota window; throws the 429 when it is spent. Sets the quota headers. */
function takeQuota(ctx: ArmRouteContext): void {
  const quota = ctx.state.scenario.resourceGraphQuota;
  if (!quota) return;
  const now = Date.now();
  const windows = (ctx.state.argQuota ??= new Map());
  const key = ctx.clientId ?? '';
  let w = windows.get(key);
  if (!w || now >= w.start + quota.windowSeconds * 1000) windows.set(key, w = { start: now, used: 0 });
  const resetsAfter = hms(w.start + quota.windowSeconds * 1000 - now);
  if (w.used >= quota.queries) {
    const headers: Record<string, string> = { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': resetsAfter };
    if (quota.retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil((w.start + quota.windowSeconds * 1000 - now) / 1000)));
    throw new ArmError(429, 'RateLimiting', 'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.', headers);
  }
  w.used++;
  ctx.res.setHeader('x-ms-user-quota-remaining', String(quota.queries - w.used));
  ctx.res.setHeader('x-ms-user-quota-resets-after', resetsAfter);
}

function query(ctx: ArmRouteContext): { body: unknown } {
  takeQuota(ctx);
  let body: QueryBody;
  try {
    body = JSON.parse(ctx.body ?? '') as QueryBody;
  } catch {
    throw badRequest('InvalidRequestContent', 'The request content is not valid JSON.');
  }
  const options = body.options ?? {};
  if (options.resultFormat !== undefined && options.resultFormat !== 'objectArray') throw badRequest('UnsupportedResultFormat', 'The emulator serves resultFormat objectArray only.');
  const top = options.$top === undefined ? 100 : Number(options.$top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw badRequest('InvalidTop', '$top must be an integer from 1 to 1000.');
  let rows: ArgRow[];
  let offset: number;
  let snapshot: string | undefined;
  let truncated = false;
  if (typeof options.$skipToken === 'string' && options.$skipToken) {
    ({ id: snapshot, rows, offset } = decodeToken(ctx, options.$skipToken));
    // ARG: $skip "overrides the next page offset when $skipToken is present" (so pages can be read side by side).
    if (options.$skip !== undefined) offset = skipOf(options.$skip);
  } else {
    if (typeof body.query !== 'string' || !body.query.trim()) throw badRequest('InvalidQuery', 'The query is missing.');
    if (body.managementGroups !== undefined) throw badRequest('UnsupportedScope', 'The emulator does not scope queries to management groups.');
    const wanted = Array.isArray(body.subscriptions) ? new Set(body.subscriptions.map((s) => String(s).toLowerCase())) : undefined;
    const subs = ctx.state.scenario.subscriptions.filter((s) => canRead(ctx.app, s.id) && (!wanted || wanted.has(s.id.toLowerCase())));
    const filter = options.authorizationScopeFilter ?? 'AtScopeAndBelow';
    if (!SCOPE_FILTERS.includes(filter as ScopeFilter)) throw badRequest('InvalidAuthorizationScopeFilter', `authorizationScopeFilter must be one of ${SCOPE_FILTERS.join(', ')}.`);
    try {
      const q = parseKql(body.query);
      rows = runKql(q, tableRows(ctx.state.scenario, q.table, subs, selectedTypes(q), filter as ScopeFilter));
      truncated = q.project !== undefined && !q.project.some((c) => c.name === 'id');
    } catch (e) {
      if (e instanceof KqlError) throw badRequest('InvalidQuery', `Query is invalid. ${e.message}`);
      throw e;
    }
    offset = options.$skip === undefined ? 0 : skipOf(options.$skip);
  }
  const data = rows.slice(offset, offset + top);
  const more = offset + top < rows.length;
  return {
    body: {
      totalRecords: rows.length, count: data.length, data, facets: [], resultTruncated: more && truncated ? 'true' : 'false',
      ...(more && !truncated ? { $skipToken: encodeToken(snapshot ?? remember(ctx, rows), offset + top) } : {}),
    },
  };
}

export const resourceGraphRoutes: ArmRoute[] = [
  { method: 'POST', pattern: RESOURCE_GRAPH_PATH, action: 'Microsoft.ResourceGraph/resources/read', handle: query },
];
