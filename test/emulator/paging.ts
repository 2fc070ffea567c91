/**
 * nextLink paging for every ARM list route: `{ value, nextLink? }` where nextLink is an absolute https URL built from
 * the Host header, keeping the request's query (api-version, $filter, ...) and carrying an opaque $skiptoken.
 */
import { ArmError, type RequestContext } from './http';

export const DEFAULT_PAGE_SIZE = 100;

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(`rampart-emulator-skip:${offset}`).toString('base64url');
}

function decodeSkipToken(token: string): number {
  const m = /^rampart-emulator-skip:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (m) return Number(m[1]);
  throw new ArmError(400, 'InvalidSkipToken', `The skip token '${token}' is not valid.`);
}

/** One page of `items` for this request, per the scenario's pageSize. */
export function pageOf<T>(ctx: RequestContext, items: T[]): Page<T> {
  const size = Math.max(1, Math.floor(ctx.state.scenario.pageSize ?? DEFAULT_PAGE_SIZE));
  const token = ctx.query.$skiptoken;
  const offset = token ? decodeSkipToken(token) : 0;
  const value = items.slice(offset, offset + size);
  const page: Page<T> = { value };
  if (offset + size < items.length) {
    const next = new URL(`${ctx.baseUrl}${ctx.path}`);
    for (const [k, v] of Object.entries(ctx.query)) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', encodeSkipToken(offset + size));
    page.nextLink = next.toString();
  }
  return page;
}
