/**
 * The Playwright side of the real-editor tests: Debian chromium (via playwright-core, never a downloaded browser)
 * opening code-server's workbench with the extension under development. run.sh starts code-server and passes its
 * port and folders in the environment; see test/e2e/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PhaseResult } from '../shared/wait';

export { waitFor, delay, errorText } from '../shared/wait';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** What run.sh exports; the defaults let a driver run by hand against a server started by hand. */
export const config = {
  port: Number(process.env.RAMPART_E2E_PORT ?? 8130),
  /** The run folder (workspace, results, browser profiles). */
  work: process.env.RAMPART_E2E_WORK ?? path.join(REPO, 'test-output', 'e2e', 'work'),
  /** Screenshots and logs kept as CI artifacts. */
  output: process.env.RAMPART_E2E_OUTPUT ?? path.join(REPO, 'test-output', 'e2e'),
  /** extensionDevelopmentPath: the repo root, or another extension folder to check the plumbing. */
  extensionPath: process.env.RAMPART_E2E_EXTENSION ?? REPO,
  /** extensionTestsPath: the bundled mocha runner. */
  testsPath: process.env.RAMPART_E2E_TESTS ?? path.join(REPO, 'dist-test', 'e2e', 'index.js'),
  chromium: process.env.RAMPART_E2E_CHROMIUM ?? '/usr/bin/chromium',
  verbose: !!process.env.VERBOSE,
};

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const T0 = Date.now();
export function log(...args: unknown[]): void {
  console.log(`[e2e +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...args);
}

export interface Session {
  browser: Browser;
  page: Page;
  /** Resolves with the code the workbench passes to codeAutomationExit (the extension tests' outcome). */
  exited: Promise<number>;
  /** Lines the workbench logged through codeAutomationLog. */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts chromium with a fresh profile and one page whose automation hooks are in place before any navigation:
 * `codeAutomationExit` (the test runner's exit code) and `codeAutomationLog` (the workbench's log lines).
 * `echo` decides which workbench log lines reach stdout (all of them with VERBOSE=1).
 */
export async function launch(opts: { echo?: (line: string, type: string) => boolean } = {}): Promise<Session> {
  const browser = await chromium.launch({ executablePath: config.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const logLines: string[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    logLines.push(`[${type}] ${line}`);
    if (config.verbose || opts.echo?.(line, type)) console.log(`  [workbench ${type}] ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(Number(code)));
  page.on('pageerror', (e) => { if (config.verbose) console.log('  [pageerror]', e.message.slice(0, 500)); });
  if (config.verbose) page.on('console', (m) => console.log(`  [console.${m.type()}]`, m.text().slice(0, 500)));
  return {
    browser, page, exited, logLines,
    close: async () => { await browser.close().catch(() => undefined); },
  };
}

/** The workbench URL with the extension under development and, for the host suite, the mocha entry point. */
export function workbenchUrl(opts: { tests?: boolean } = {}): string {
  const authority = `127.0.0.1:${config.port}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', `vscode-remote://${authority}${config.extensionPath}`]];
  if (opts.tests) payload.push(['extensionTestsPath', `vscode-remote://${authority}${config.testsPath}`]);
  const folder = path.join(config.work, 'ws');
  fs.mkdirSync(folder, { recursive: true });
  return `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function writeResult(file: string, result: PhaseResult): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
}

export function readResult(file: string): PhaseResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PhaseResult;
  } catch {
    return undefined;
  }
}
