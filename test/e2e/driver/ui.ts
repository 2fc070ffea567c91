/**
 * The UI test: a user connects Rampart to the emulator through the real workbench, with keyboard and mouse only,
 * once with each sign-in method (client secret, Microsoft account, client certificate, Azure CLI).
 * Each check is a counted test (RAMPART_E2E_SHOTS=1 keeps a screenshot after each); once one fails the rest are reported as not run (failed), a screenshot of the
 * failure is kept, and the phase result goes to ui-results.json in the run folder.
 *
 *   npx tsx test/e2e/driver/ui.ts        (run.sh sets the environment)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { emulatorRequest } from '../shared/emulatorControl';
import type { PhaseResult } from '../shared/wait';
import type { Scenario } from '../../emulator/scenario';
import { answerStep, connectedNotice, connectionRow, expandPane, notificationsText, openNotificationsCenter, pickItem, quickInput, runCommand, statusBarText } from './parts';
import { config, errorText, launch, log, waitFor, workbenchUrl, writeResult } from './workbench';

const NAME = 'Contoso Emulator';
const DESCRIPTION = 'Emulated tenant, typed by the UI test';
const ACCOUNT_NAME = 'Contoso Account';
const CERTIFICATE_NAME = 'Contoso Certificate';
const AZ_CLI_NAME = 'Contoso Azure CLI';
const CLOUD = process.env.RAMPART_E2E_CLOUD_NAME ?? 'Emulator';
const SAMPLE_CLIENT_ID = '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01';

function sampleApp(): { tenant: string; clientId: string; secret: string } {
  const file = process.env.RAMPART_E2E_SCENARIO ?? path.resolve(__dirname, '..', '..', 'emulator', 'scenarios', 'sample.json');
  const scenario = JSON.parse(fs.readFileSync(file, 'utf8')) as Scenario;
  const app = scenario.apps.find((a) => a.clientId === SAMPLE_CLIENT_ID) ?? scenario.apps.find((a) => a.secret);
  if (!app?.secret) throw new Error(`no app with a secret in ${file}`);
  return { tenant: process.env.RAMPART_E2E_TENANT ?? scenario.tenant.id, clientId: app.clientId, secret: app.secret };
}

/** Opens the connect flow from the palette and waits for its first step (Name). */
async function startConnect(page: Page): Promise<void> {
  const qi = quickInput(page);
  await runCommand(page, 'Rampart: Connect to Azure');
  await waitFor(async () => (await qi.visible()) && (await qi.value()) === '' && /Connect to Azure/.test(await qi.signature()),
    { timeout: 15_000, message: 'the first step of the connect flow (Name)' });
}

/** The name, description, cloud and tenant steps, then the sign-in method picked by its label. */
async function answerFirstSteps(page: Page, name: string, method: string): Promise<void> {
  await answerStep(page, 'Name', name);
  await answerStep(page, 'Description', '');
  await answerStep(page, 'Cloud', CLOUD, { pick: true });
  await answerStep(page, 'Tenant ID', sampleApp().tenant);
  await answerStep(page, 'Sign-in method', method, { pick: true });
}

/** The last connection step (all subscriptions) and the first organization step: 'No organization' ends the flow. */
async function answerNoOrganization(page: Page): Promise<void> {
  await answerStep(page, 'Subscriptions', '');
  await answerStep(page, 'Parent organization', 'No organization', { pick: true, last: true });
}

/** Registers `certificate` on the emulator's sample app in place of the one it had (PATCH /_emulator/apps/{id}). */
async function registerOnSampleApp(certificate: string): Promise<void> {
  const url = process.env.RAMPART_E2E_EMULATOR_URL;
  const caFile = process.env.RAMPART_E2E_CA_FILE;
  if (!url || !caFile) throw new Error('RAMPART_E2E_EMULATOR_URL and RAMPART_E2E_CA_FILE are not set: run through test/e2e/run.sh');
  await emulatorRequest(url, caFile, 'PATCH', `/_emulator/apps/${sampleApp().clientId}`, { certificate });
}

/**
 * A key pair and self-signed certificate for the sample app, as `az ad app credential reset --cert` would register
 * it: the certificate goes to the emulator's app, the PEM with certificate and PKCS#8 key to a file (0600) in the run
 * folder, whose path the user types into the flow.
 */
async function certificateForSampleApp(): Promise<string> {
  const pems = await generate([{ name: 'commonName', value: 'rampart-ui-connector' }], { keySize: 2048, algorithm: 'sha256' });
  if (!/-----BEGIN PRIVATE KEY-----/.test(pems.private)) throw new Error('the generated key is not PKCS#8');
  await registerOnSampleApp(pems.cert);
  const file = path.join(config.work, 'ui-connector.pem');
  fs.writeFileSync(file, `${pems.cert}\n${pems.private}`, { mode: 0o600 });
  return file;
}

// ---- the test ----

interface Check { title: string; run: (page: Page) => Promise<void> }

const checks: Check[] = [
  {
    title: 'the workbench opens with the Rampart activity bar entry',
    run: async (page) => {
      await page.goto(workbenchUrl(), { timeout: 60_000 });
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
      await page.locator('.part.activitybar .action-item a[aria-label^="Rampart"]').first().waitFor({ timeout: 30_000 });
    },
  },
  {
    title: 'clicking Rampart shows the Connections welcome',
    run: async (page) => {
      await page.locator('.part.activitybar .action-item a[aria-label^="Rampart"]').first().click();
      const connections = await expandPane(page, 'Connections');
      await connections.getByText('No Azure connection yet').first().waitFor({ timeout: 20_000 });
    },
  },
  {
    title: '"Rampart: Connect to Azure..." is in the command palette',
    run: async (page) => {
      await startConnect(page);
    },
  },
  {
    title: 'the connect flow takes name, description, cloud, tenant, sign-in method, client id, secret and subscriptions',
    run: async (page) => {
      const app = sampleApp();
      await answerStep(page, 'Name', NAME);
      await answerStep(page, 'Description', DESCRIPTION);
      await answerStep(page, 'Cloud', CLOUD, { pick: true });
      await answerStep(page, 'Tenant ID', app.tenant);
      await answerStep(page, 'Sign-in method', 'Client secret', { pick: true });
      await answerStep(page, 'Client ID', app.clientId);
      const password = quickInput(page).widget.locator('.quick-input-box input[type="password"]');
      await password.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => { throw new Error('the Client secret step is not a password box'); });
      await answerStep(page, 'Client secret', app.secret);
      await answerStep(page, 'Subscriptions', '');
    },
  },
  {
    title: 'the connect flow then publishes the connection as a top-level organization, taking the default name',
    run: async (page) => {
      await answerStep(page, 'Parent organization', 'Top-level organization', { pick: true });
      await answerStep(page, 'Organization name', '');
      await answerStep(page, 'Primary domain', '');
      await answerStep(page, 'Organization description', '');
      await answerStep(page, 'Visibility', 'Private', { pick: true, last: true });
    },
  },
  {
    title: `a "Connected '${NAME}'" message appears`,
    run: (page) => connectedNotice(page, NAME),
  },
  {
    title: 'the Connections tree shows the connection',
    run: (page) => connectionRow(page, NAME),
  },
  {
    title: `the Organizations view shows '${NAME} Azure' with its grade`,
    run: async (page) => {
      const orgs = await expandPane(page, 'Organizations');
      const row = orgs.locator('.monaco-list-row', { hasText: `${NAME} Azure` }).first();
      await row.waitFor({ timeout: 20_000 });
      await waitFor(async () => /[A-F] \d+ · coverage \d+%/.test(await row.innerText()), { timeout: 20_000, message: 'the grade beside the organization' });
    },
  },
  {
    title: 'the Evidence tree shows CC6.1',
    run: async (page) => {
      const evidence = await expandPane(page, 'Evidence');
      await evidence.locator('.monaco-list-row', { hasText: 'CC6.1' }).first().waitFor({ timeout: 20_000 });
    },
  },
  {
    title: 'a screenshot of the connected workbench is saved',
    run: async (page) => {
      const file = path.join(config.output, 'rampart-connected.png');
      fs.rmSync(file, { force: true });
      await page.screenshot({ path: file });
      if (!fs.statSync(file).size) throw new Error(`${file} is empty`);
      log('ui: screenshot', file);
    },
  },
  {
    title: '"Rampart: Open Dashboard" from the palette renders the charts (screenshot rampart-dashboard.png)',
    run: async (page) => {
      await runCommand(page, 'Rampart: Open Dashboard');
      await page.locator('.tabs-container .tab', { hasText: 'Rampart Dashboard' }).first().waitFor({ timeout: 20_000 });
      // The page lives two frames down: the webview's host iframe, then its active frame.
      const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await frame.locator('svg[aria-label="Coverage per control"]').waitFor({ timeout: 30_000 });
      await frame.locator('svg[aria-label="Coverage over time"]').waitFor({ timeout: 5_000 });
      // The sample tenant has findings: by severity, and by subscription and severity.
      await frame.locator('svg[aria-label="Findings by severity"]').waitFor({ timeout: 5_000 });
      await frame.locator('svg[aria-label="Findings by subscription and severity"]').waitFor({ timeout: 5_000 });
      const file = path.join(config.output, 'rampart-dashboard.png');
      fs.rmSync(file, { force: true });
      await page.screenshot({ path: file });
      if (!fs.statSync(file).size) throw new Error(`${file} is empty`);
      log('ui: screenshot', file);
    },
  },
  {
    // The provider is test/e2e/auth-provider (VS Code's own needs login.microsoftonline.com); the consent dialog,
    // sessions and silent token requests are VS Code's, the sign-in and sync Rampart's, the token the emulator's.
    title: '"Microsoft account" from the palette: VS Code asks to allow the sign-in, then Rampart connects and syncs',
    run: async (page) => {
      await startConnect(page);
      await answerFirstSteps(page, ACCOUNT_NAME, 'Microsoft account');
      await answerNoOrganization(page);
      const allow = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^\s*Allow\s*$/ });
      await allow.first().waitFor({ timeout: 20_000 }).catch(async () => {
        throw new Error(`no "Allow" sign-in dialog; notifications: ${await notificationsText(page)}`);
      });
      await allow.first().click();
      await connectedNotice(page, ACCOUNT_NAME);
    },
  },
  {
    title: 'the Connections tree shows the Microsoft account connection',
    run: (page) => connectionRow(page, ACCOUNT_NAME),
  },
  {
    // The certificate is registered on the emulator's sample app first; the emulator verifies the client assertion
    // Rampart signs with the key (its x5t#S256, signature, audience and lifetime).
    title: '"Client certificate" from the palette: the PEM path typed into the flow signs in, and the first sync succeeds',
    run: async (page) => {
      const pem = await certificateForSampleApp();
      await startConnect(page);
      await answerFirstSteps(page, CERTIFICATE_NAME, 'Client certificate');
      await answerStep(page, 'Client ID', sampleApp().clientId);
      await answerStep(page, 'Certificate file', pem);
      await answerNoOrganization(page);
      await connectedNotice(page, CERTIFICATE_NAME);
    },
  },
  {
    title: 'the Connections tree shows the certificate connection',
    run: (page) => connectionRow(page, CERTIFICATE_NAME),
  },
  {
    // The daemon makes the key pair; the private PEM goes to SecretStorage, the public certificate to the file the
    // save dialog (VS Code's own, in the browser) proposes in the workspace folder. Registering that certificate
    // replaces the one the connection was made with, so the sync that follows signs in only with the new key.
    title: '"Rampart: Create Certificate Credential" writes the public certificate; once registered, "Rampart: Sync Now" signs in with the new key',
    run: async (page) => {
      const qi = quickInput(page);
      const file = path.join(config.work, 'ws', `${CERTIFICATE_NAME.replace(/[^A-Za-z0-9._-]+/g, '-')}.cer`);
      fs.rmSync(file, { force: true });
      await runCommand(page, 'Rampart: Create Certificate Credential');
      await pickItem(page, 'Create a certificate credential for which connection?', CERTIFICATE_NAME);
      await waitFor(async () => (await qi.visible()) && (await qi.value()).endsWith('.cer'),
        { timeout: 15_000, message: 'the save dialog proposing a .cer file' }).catch(async (e) => {
        throw new Error(`${errorText(e)} (quick input: ${await qi.signature().catch(() => '?')} value ${await qi.value().catch(() => '?')})`);
      });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).first().waitFor({ timeout: 20_000 }).catch(async () => {
        throw new Error(`no steps document opened; notifications: ${await notificationsText(page)}`);
      });
      // The editor's rendered lines (wrapped lines come in pieces; spaces are rendered as no-break spaces).
      const lines = async () => (await page.locator('.editor-group-container.active .view-lines .view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' '));
      const wanted = [`# Certificate credential for '${CERTIFICATE_NAME}'`, `az ad app credential reset --id ${sampleApp().clientId} --cert @`, path.basename(file)];
      await waitFor(async () => {
        const shown = await lines();
        return wanted.every((w) => shown.some((l) => l.includes(w)));
      }, { timeout: 15_000, message: 'the steps document with the az command to upload the certificate' }).catch(async (e) => {
        throw new Error(`${errorText(e)}; it shows: ${(await lines().catch(() => [])).join(' / ').slice(0, 500)}`);
      });
      const pem = await waitFor(() => (fs.existsSync(file) && fs.readFileSync(file, 'utf8')) || undefined, { timeout: 10_000, message: `${file} to be written` });
      if (!/-----BEGIN CERTIFICATE-----/.test(pem) || /PRIVATE KEY/.test(pem)) throw new Error(`${file} is not a public certificate alone`);
      await registerOnSampleApp(pem);
      await runCommand(page, 'Rampart: Sync Now');
      await pickItem(page, 'Which connection to sync?', CERTIFICATE_NAME);
      await openNotificationsCenter(page);
      const seen = new Set<string>();
      const outcome = await waitFor(async () => {
        const bar = await statusBarText(page);
        seen.add(bar);
        if (bar.includes(`Rampart synced '${CERTIFICATE_NAME}'`)) return { ok: true, text: bar };
        const failed = (await notificationsText(page)).split(' | ').find((t) => t.includes(`Sync of '${CERTIFICATE_NAME}' failed`));
        return failed ? { ok: false, text: failed } : undefined;
      }, { timeout: 60_000, interval: 200, message: `"Rampart synced '${CERTIFICATE_NAME}'" in the status bar` }).catch((e) => {
        throw new Error(`${errorText(e)}; status bar seen: ${[...seen].slice(-3).join(' || ')}`);
      });
      if (!outcome.ok) throw new Error(`the sync with the new certificate failed: ${outcome.text}`);
    },
  },
  {
    // run.sh signed the real `az` in to the emulator and exported AZURE_CONFIG_DIR to code-server; the daemon runs
    // `az account get-access-token` with it.
    title: '"Azure CLI" from the palette: Rampart reads Azure as the az login, and the first sync succeeds',
    run: async (page) => {
      if (!process.env.AZURE_CONFIG_DIR) throw new Error('AZURE_CONFIG_DIR is not set: run.sh signs az in to the emulator before the UI phase');
      await startConnect(page);
      await answerFirstSteps(page, AZ_CLI_NAME, 'Azure CLI');
      await answerNoOrganization(page);
      await connectedNotice(page, AZ_CLI_NAME);
    },
  },
  {
    title: 'the Connections tree shows the Azure CLI connection',
    run: (page) => connectionRow(page, AZ_CLI_NAME),
  },
];

export async function runUiTest(): Promise<PhaseResult> {
  const started = Date.now();
  fs.mkdirSync(config.output, { recursive: true });
  const result: PhaseResult = { phase: 'ui', passed: 0, failed: 0, durationMs: 0, tests: [] };
  const session = await launch();
  let broken: string | undefined;
  try {
    for (const check of checks) {
      if (broken) {
        result.tests.push({ title: check.title, state: 'failed', error: `not run: "${broken}" failed` });
        continue;
      }
      const t = Date.now();
      try {
        await check.run(session.page);
        result.tests.push({ title: check.title, state: 'passed', durationMs: Date.now() - t });
        if (process.env.RAMPART_E2E_SHOTS) await session.page.screenshot({ path: path.join(config.output, `ui-step-${result.tests.length}.png`) });
        log(`ui: ok   ${check.title} (${Date.now() - t} ms)`);
      } catch (e) {
        broken = check.title;
        result.tests.push({ title: check.title, state: 'failed', durationMs: Date.now() - t, error: errorText(e) });
        log(`ui: FAIL ${check.title}: ${errorText(e)}`);
        const shot = path.join(config.output, 'rampart-ui-failure.png');
        await session.page.screenshot({ path: shot }).then(() => log('ui: failure screenshot', shot), () => undefined);
      }
    }
  } finally {
    await session.close();
  }
  result.passed = result.tests.filter((t) => t.state === 'passed').length;
  result.failed = result.tests.length - result.passed;
  result.durationMs = Date.now() - started;
  writeResult(path.join(config.work, 'ui-results.json'), result);
  return result;
}

if (require.main === module) {
  runUiTest().then(
    (r) => {
      log(`ui: ${r.passed} passed, ${r.failed} failed in ${(r.durationMs / 1000).toFixed(1)} s`);
      process.exit(r.failed === 0 ? 0 : 1);
    },
    (e) => {
      console.error('ui: harness error', e);
      process.exit(2);
    },
  );
}
