import type { DashboardPanel, DashboardRender } from '../dashboard/panel';
import type { Command } from './manager';

/** `rampart.openDashboard`: coverage per control and over time, findings, stale connections, in a webview. */
export class OpenDashboardCommand implements Command {
  readonly id = 'rampart.openDashboard';
  constructor(private readonly panel: DashboardPanel) {}
  execute(): Promise<DashboardRender> {
    return this.panel.show();
  }
}
