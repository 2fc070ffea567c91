/**
 * Polling helpers shared by the Playwright driver (run by tsx on the machine's Node) and the mocha suite
 * (bundled into the extension host). Tests wait for state, never for a fixed time.
 */

export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 s). */
  timeout?: number;
  /** Pause between two polls (default 100 ms). */
  interval?: number;
  /** What is being waited for; the timeout error says "Timed out after N ms waiting for <message>". */
  message: string;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Calls `predicate` until it returns a truthy value (which is returned) or the timeout passes. A predicate that
 * throws counts as "not yet"; its last error is quoted in the timeout error, so a failure says what was seen.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const timeout = opts.timeout ?? 10_000;
  const interval = opts.interval ?? 100;
  const start = Date.now();
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastValue = value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    const left = timeout - (Date.now() - start);
    if (left <= 0) {
      const seen = lastError !== undefined ? `; last error: ${errorText(lastError)}` : `; last value: ${JSON.stringify(lastValue)}`;
      throw new Error(`Timed out after ${timeout} ms waiting for ${opts.message}${seen}`);
    }
    await delay(Math.min(interval, left));
  }
}

/** The per-phase result file both sides write: counts plus one line per test, for the summary and CI. */
export interface PhaseResult {
  phase: string;
  passed: number;
  failed: number;
  durationMs: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs?: number; error?: string }[];
}
