import type { Ctx } from '../ctx';
import type { Log } from '../log';
import type { Command } from './manager';

/** `rampart.showLog`: the one Rampart channel (client and daemon). */
export class ShowLogCommand implements Command {
  readonly id = 'rampart.showLog';
  constructor(private readonly log: Log) {}
  execute(): void {
    this.log.show();
  }
}

/** `rampart.refresh`: re-read the views and status bar from the store (no Azure call; that is Sync). */
export class RefreshCommand implements Command {
  readonly id = 'rampart.refresh';
  constructor(private readonly refresh: () => Promise<void>) {}
  execute(): Promise<void> {
    return this.refresh();
  }
}

/** `rampart.restartDaemon`: stop with a timeout, start a fresh client, reload the views. */
export class RestartDaemonCommand implements Command {
  readonly id = 'rampart.restartDaemon';
  constructor(
    private readonly ctx: Ctx,
    private readonly refresh: () => Promise<void>,
  ) {}
  async execute(): Promise<void> {
    await this.ctx.restart();
    await this.refresh();
  }
}
