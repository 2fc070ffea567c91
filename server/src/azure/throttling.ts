/**
 * ARM throttling, on top of the SDK's own retry policy. That policy waits out a 429 or 503 that carries Retry-After,
 * but gives up at once on a 429 without it. This policy, added to every client and to the credential of a session
 * (one shared state), does two things per request attempt:
 *  - a 429 without Retry-After is retried after an exponential, jittered back-off (bounded attempts); the whole
 *    bucket it hit (the subscription, or the tenant) waits that long too, so concurrent requests do not pile on;
 *  - ARM's x-ms-ratelimit-remaining-subscription-reads / -tenant-reads / -resource headers are read from every
 *    answer, and when what remains gets low the next requests to that bucket are spaced out proactively.
 * Azure Resource Graph counts queries per user instead (x-ms-user-quota-remaining, x-ms-user-quota-resets-after as
 * hh:mm:ss): its own bucket, held until the reset when the quota is spent, and a 429 waits out the reset.
 * A 429 that still comes back after the last attempt reaches the caller, which reports it as 'throttled'.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';

export interface ThrottleSettings {
  /** Retries of a 429 without Retry-After (then the 429 is returned). */
  maxRetries: number;
  /** First back-off; doubled each retry, capped by maxDelayMs, then jittered to 50-100%. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Below this many remaining reads, requests to the bucket are spaced out. */
  lowWatermark: number;
  /** The spacing at 0 remaining; it shrinks linearly to 0 at the watermark. */
  slowDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { maxRetries: 6, baseDelayMs: 2_000, maxDelayMs: 60_000, lowWatermark: 50, slowDelayMs: 2_000 };

export const THROTTLING_POLICY_NAME = 'rampartThrottlingPolicy';

export const RESOURCE_GRAPH_BUCKET = 'resourcegraph';

/** Resource Graph's x-ms-user-quota-resets-after ("hh:mm:ss", seconds maybe fractional) in milliseconds. */
export function quotaResetMs(header: (name: string) => string | undefined): number | undefined {
  const m = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(header('x-ms-user-quota-resets-after')?.trim() ?? '');
  return m ? Math.round(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000) : undefined;
}

const REMAINING_HEADERS = ['x-ms-ratelimit-remaining-subscription-reads', 'x-ms-ratelimit-remaining-tenant-reads', 'x-ms-ratelimit-remaining-resource'];

interface Bucket { remaining?: number; blockedUntil: number }

/** What one session knows about its ARM rate limits, per bucket (a subscription id, or 'tenant'). */
export class ThrottleState {
  private readonly buckets = new Map<string, Bucket>();
  /** How many 429s without Retry-After were retried, and how long requests were held back in total (ms). */
  readonly stats = { retried429: 0, pacedRequests: 0, pacedMs: 0 };

  constructor(
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The bucket a request counts against: Resource Graph, its subscription, or the tenant. */
  static bucketOf(url: string): string {
    let path = url;
    try { path = new URL(url).pathname; } catch { /* a relative url: use it as is */ }
    if (/^\/providers\/Microsoft\.ResourceGraph\//i.test(path)) return RESOURCE_GRAPH_BUCKET;
    return /\/subscriptions\/([^/?#]+)/i.exec(path)?.[1]?.toLowerCase() ?? 'tenant';
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, b = { blockedUntil: 0 });
    return b;
  }

  /** How long to hold a request to this bucket before sending it. */
  waitFor(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const blocked = Math.max(0, b.blockedUntil - this.now());
    const { lowWatermark, slowDelayMs } = this.settings;
    const paced = b.remaining !== undefined && b.remaining < lowWatermark;
    const pace = paced ? slowDelayMs * (lowWatermark - b.remaining!) / lowWatermark : 0;
    return Math.round(Math.max(blocked, pace));
  }

  /** Records the remaining reads an answer reported (the lowest of the headers present; none if it reported none). */
  observe(key: string, header: (name: string) => string | undefined): void {
    let low: number | undefined;
    for (const name of REMAINING_HEADERS) {
      const v = header(name);
      if (!v) continue;
      // -resource reads "Microsoft.Compute/HighCostGet3Min;159,Microsoft.Compute/HighCostGet30Min;799"
      for (const m of v.matchAll(/(?:^|[;,=])\s*(\d+)\s*(?=,|$)/g)) low = Math.min(low ?? Infinity, Number(m[1]));
    }
    // What the last answer said, also when it said nothing: the 0 a 429 left (see backOff) paces the bucket only
    // until the next answer, so a bucket whose answers carry no such headers (Resource Graph) is not paced for good.
    if (low !== undefined || this.buckets.has(key)) this.bucket(key).remaining = low;
    const quota = header('x-ms-user-quota-remaining');
    const reset = quotaResetMs(header);
    if (quota !== undefined && Number(quota) <= 0 && reset !== undefined) {
      const b = this.bucket(key);
      b.blockedUntil = Math.max(b.blockedUntil, this.now() + reset);
    }
  }

  /**
   * A 429 without Retry-After: the back-off before retry number `attempt` (0-based); the bucket waits as long. With
   * `resetMs` (Resource Graph said when its quota resets) that wait, a little jittered, instead of the exponential one.
   */
  backOff(key: string, attempt: number, resetMs?: number): number {
    const { baseDelayMs, maxDelayMs } = this.settings;
    const ms = resetMs !== undefined ? Math.round(Math.min(maxDelayMs, resetMs) + 50 + this.random() * 200)
      : Math.round(Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * (0.5 + this.random() / 2));
    const b = this.bucket(key);
    b.blockedUntil = Math.max(b.blockedUntil, this.now() + ms);
    b.remaining = 0;
    this.stats.retried429++;
    return ms;
  }
}

/** The pipeline policy over a session's shared state; add it as a perRetry policy (after the token is signed in). */
export function throttlingPolicy(state: ThrottleState): PipelinePolicy {
  return {
    name: THROTTLING_POLICY_NAME,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const key = ThrottleState.bucketOf(request.url);
      for (let attempt = 0; ; attempt++) {
        const wait = state.waitFor(key);
        if (wait > 0) {
          state.stats.pacedRequests++;
          state.stats.pacedMs += wait;
          await sleep(wait, request.abortSignal);
        }
        const response = await next(request);
        state.observe(key, (name) => response.headers.get(name));
        if (response.status !== 429 || response.headers.get('retry-after') !== undefined || attempt >= state.settings.maxRetries) return response;
        await sleep(state.backOff(key, attempt, quotaResetMs((name) => response.headers.get(name))), request.abortSignal);
      }
    },
  };
}

/** Both client generations (track 2 ServiceClient and the modular clients) and the credential take this option. */
export function throttlingPolicies(state: ThrottleState): { policy: PipelinePolicy; position: 'perRetry' }[] {
  return [{ policy: throttlingPolicy(state), position: 'perRetry' }];
}

function sleep(ms: number, signal?: { aborted: boolean; addEventListener?: unknown }): Promise<void> {
  const s = signal as AbortSignal | undefined;
  return new Promise((resolve, reject) => {
    if (s?.aborted) return reject(abortError());
    const timer = setTimeout(() => { s?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(abortError()); };
    s?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  return e;
}
