/**
 * Scheduled syncs in the daemon: every live connection syncs on the configured cadence (`rampart.sync.schedule`:
 * "off", "daily" or "every-N-hours"), counted from its last run (whatever its outcome) or its creation, plus a
 * random jitter per connection so connections and tenants do not all start at once. A schedule missed while the
 * daemon was down runs at start. A connection waiting for new credentials is left alone (a sync could only fail
 * again). One timer is armed for the earliest due connection; time comes from the injected Clock and the timer is
 * injectable, so tests step both. A scheduled sync goes through the service, which joins a sync already running.
 */
import type { Clock } from '../util/clock';
import type { Logger } from './logger';
import { type Schedule, describeSchedule } from './settings';

export { type Schedule, parseSchedule } from './settings';

/** Jitter: up to 10% of the interval, at most 30 minutes. */
const MAX_JITTER_MS = 30 * 60_000;

/** setTimeout, injectable. */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: Timer = {
  set: (fn, ms) => {
    // Node caps timers at 2^31-1 ms; the scheduler re-arms when a far timer fires early.
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** What the scheduler reads of a connection. */
export interface SchedulableConnection {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  deletedAt?: string;
  /** Start of the connection's latest run, if any. */
  lastRunAt?: string;
}

export interface SchedulerDeps {
  clock: Clock;
  timer: Timer;
  log: Logger;
  random?: () => number;
  connections(): SchedulableConnection[];
  schedule(): Schedule;
  /** Syncs one connection (the service joins a sync already running). Errors are logged, never thrown. */
  sync(connectionId: string): Promise<unknown>;
}

export class Scheduler {
  private handle: unknown;
  private armedFor?: number;
  private readonly jitter = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private stopped = true;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Arms the timer; a connection already due (a missed schedule) syncs at once. */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** The schedule or the connections changed: re-arm. */
  reschedule(): void {
    if (this.stopped) return;
    this.disarm();
    this.arm();
  }

  /** When each live connection is next due (ms since epoch); none when the schedule is off. */
  dueTimes(): Map<string, number> {
    const out = new Map<string, number>();
    const s = this.deps.schedule();
    if (s.kind === 'off') return out;
    for (const c of this.deps.connections()) {
      // Unfinished setups (no credential or no access yet) wait for Resume Connection Setup, not the schedule.
      if (c.deletedAt || c.status === 'needs-credentials' || c.status === 'draft' || c.status === 'awaiting-permissions') continue;
      const base = Date.parse(c.lastRunAt ?? c.createdAt);
      out.set(c.id, base + s.intervalMs + this.jitterOf(c.id, s.intervalMs));
    }
    return out;
  }

  /** Syncs the connections that are due, one after another, then arms for the next. */
  private tick(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now().getTime();
    const due = [...this.dueTimes()].filter(([id, at]) => at <= now && !this.inFlight.has(id)).map(([id]) => id);
    for (const id of due) {
      this.inFlight.add(id);
      this.jitter.delete(id); // the next period draws a new one
    }
    if (due.length) void this.runAll(due);
    this.arm();
  }

  private async runAll(ids: string[]): Promise<void> {
    for (const id of ids) {
      const name = this.deps.connections().find((c) => c.id === id)?.name ?? id;
      try {
        this.deps.log.info(`scheduled sync of '${name}' (${describeSchedule(this.deps.schedule())})`);
        await this.deps.sync(id);
      } catch (e) {
        this.deps.log.warn(`scheduled sync of '${name}' could not run: ${(e as Error).message}`);
      } finally {
        this.inFlight.delete(id);
      }
    }
    this.reschedule();
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now().getTime();
    const pending = [...this.dueTimes()].filter(([id]) => !this.inFlight.has(id)).map(([, at]) => at);
    if (!pending.length) return;
    const next = Math.min(...pending);
    this.armedFor = next;
    this.handle = this.deps.timer.set(() => {
      this.handle = undefined;
      this.armedFor = undefined;
      this.tick();
    }, Math.max(0, next - now));
  }

  private disarm(): void {
    if (this.handle !== undefined) this.deps.timer.clear(this.handle);
    this.handle = undefined;
    this.armedFor = undefined;
  }

  /** When the timer will next fire (ms since epoch), for tests and status. */
  get nextAt(): number | undefined { return this.armedFor; }

  private jitterOf(id: string, intervalMs: number): number {
    let j = this.jitter.get(id);
    if (j === undefined) {
      j = Math.round((this.deps.random ?? Math.random)() * Math.min(intervalMs / 10, MAX_JITTER_MS));
      this.jitter.set(id, j);
    }
    return j;
  }
}
