/** A scheduler timer that never fires by itself: tests read what is armed and fire it after stepping the clock. */
import type { Timer } from '../../server/src/core/scheduler';

export class FakeTimer implements Timer {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();

  set(fn: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the armed timers, in ms. */
  get armed(): number[] { return [...this.pending.values()].map((p) => p.ms); }

  /** Fires every armed timer (as if their time had come). */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const p of due) p.fn();
  }
}
