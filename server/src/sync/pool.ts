/** Runs async tasks with at most `limit` in flight. The first failure rejects `run`; queued tasks then never start. */
export class Pool {
  private active = 0;
  private waiting: (() => void)[] = [];
  private failed = false;

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.failed) throw new Error('pool stopped after an earlier failure');
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failed) { this.release(); throw new Error('pool stopped after an earlier failure'); }
    this.active++;
    try {
      return await task();
    } catch (e) {
      this.failed = true;
      throw e;
    } finally {
      this.active--;
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
  }
}
