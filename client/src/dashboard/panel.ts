import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { Dashboard, type DashboardData } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { renderDashboard } from './render';

/** What `rampart.openDashboard` returns (tests read it): the data rendered and the size of the page. */
export interface DashboardRender { data: DashboardData; htmlLength: number; csp: string }

/**
 * The one dashboard panel: created on first open, revealed afterwards, re-rendered when the store changes while
 * it is visible (a sync ends, settings change). Scripts are off; the page is static HTML with inline SVG.
 */
export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx, private readonly extensionUri: vscode.Uri) {
    this.subscriptions.push(ctx.onStoreChanged(() => this.scheduleRefresh()));
  }

  async show(): Promise<DashboardRender> {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('rampart.dashboard', 'Rampart Dashboard', vscode.ViewColumn.Active, {
        enableScripts: false, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: false,
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'rampart.svg');
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.onDidChangeViewState((e) => { if (e.webviewPanel.visible) this.scheduleRefresh(); });
    } else {
      this.panel.reveal();
    }
    return this.render();
  }

  private async render(): Promise<DashboardRender> {
    const panel = this.panel;
    if (!panel) throw new Error('The dashboard is closed.');
    const data = await this.ctx.request(Dashboard.type, {});
    const nonce = crypto.randomBytes(16).toString('base64');
    const html = renderDashboard(data, { cspSource: panel.webview.cspSource, nonce });
    if (this.panel === panel) panel.webview.html = html;
    return { data, htmlLength: html.length, csp: /content="([^"]*)"/.exec(html)?.[1] ?? '' };
  }

  private scheduleRefresh(): void {
    if (!this.panel?.visible) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.render().catch((error: unknown) => this.ctx.log.warn(`Could not refresh the dashboard: ${String(error)}`));
    }, 300);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.panel?.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
