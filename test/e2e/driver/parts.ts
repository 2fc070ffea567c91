/**
 * The workbench parts the UI test works with, found and used as a user does: side bar panes, the QuickInput (command
 * palette, connect flow steps, picks, VS Code's own save dialog), the Notifications center and the status bar.
 */
import type { Locator, Page } from 'playwright-core';
import { config, errorText, log, waitFor } from './workbench';

/** A view's pane in the side bar, found by its header title. */
export function pane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) });
}

export async function expandPane(page: Page, title: string): Promise<Locator> {
  const p = pane(page, title).first();
  const header = p.locator('.pane-header').first();
  await header.waitFor({ timeout: 20_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return p;
}

export function quickInput(page: Page) {
  const widget = page.locator('.quick-input-widget');
  return {
    widget,
    input: widget.locator('.quick-input-box input'),
    /** What identifies the current step: title, prompt, placeholder, input type. */
    async signature(): Promise<string> {
      return widget.evaluate((w) => {
        // (plain shapes: the driver is type-checked without the DOM library)
        const input = w.querySelector('.quick-input-box input') as unknown as { placeholder: string; type: string; getAttribute(n: string): string | null } | null;
        return [w.querySelector('.quick-input-title')?.textContent, w.querySelector('.quick-input-message')?.textContent,
          input?.placeholder, input?.type, input?.getAttribute('aria-label')].join('|');
      });
    },
    async value(): Promise<string> { return this.input.inputValue(); },
    async visible(): Promise<boolean> { return widget.isVisible(); },
  };
}

/** Types into the current QuickInput step, presses Enter and waits until the flow has moved on to the next step. */
export async function answerStep(page: Page, label: string, text: string, opts: { pick?: boolean; last?: boolean } = {}): Promise<void> {
  const qi = quickInput(page);
  await qi.input.waitFor({ state: 'visible', timeout: 15_000 });
  const before = await qi.signature();
  if (text) await page.keyboard.type(text, { delay: 10 });
  // Keys typed while the command palette is still closing can be swallowed (seen on a loaded machine): then the box
  // gets the text set as an input event, once, and must hold it.
  const holds = async () => (await qi.value()) === text;
  const typed = await waitFor(holds, { timeout: 5_000, message: '' }).then(() => true, () => false);
  if (!typed) {
    await qi.input.fill(text);
    await waitFor(holds, { timeout: 5_000, message: `the ${label} box to hold what was typed` });
  }
  if (opts.pick) {
    // Wait for the item to be the focused (first) match before accepting it.
    await waitFor(async () => {
      const focused = qi.widget.locator('.quick-input-list .monaco-list-row.focused');
      return (await focused.count()) > 0 && (await focused.first().innerText()).includes(text);
    }, { timeout: 10_000, message: `"${text}" to be the highlighted ${label} item` });
  }
  await page.keyboard.press('Enter');
  if (opts.last) {
    await waitFor(async () => !(await qi.visible()), { timeout: 10_000, message: `the connect flow to close after ${label}` })
      .catch(async (e) => { throw new Error(`${errorText(e)} (validation: ${await qi.widget.locator('.quick-input-message').innerText().catch(() => '?')})`); });
    return;
  }
  await waitFor(async () => {
    if (!(await qi.visible())) throw new Error(`the QuickInput closed after ${label}; message: ${await notificationsText(page)}`);
    return (await qi.value()) === '' && (await qi.signature()) !== before;
  }, { timeout: 15_000, message: `the step after ${label}` }).catch(async (e) => {
    throw new Error(`${errorText(e)} (step now: ${await qi.signature().catch(() => '?')})`);
  });
}

/**
 * The workbench never shows notification toasts when the smoke-test driver is on (and code-server only honours the
 * extensionDevelopmentPath payload with it on), so notifications are read where a user finds them all: the
 * Notifications center. Empty when it is closed.
 */
export async function notificationsText(page: Page): Promise<string> {
  const items = page.locator('.notifications-center .notification-list-item');
  return (await items.allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ');
}

/** Runs a command from the command palette (F1), as a user does: type its title, wait for it to be highlighted, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const qi = quickInput(page);
  await page.keyboard.press('F1');
  await qi.input.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type(title, { delay: 10 });
  await waitFor(async () => {
    const row = qi.widget.locator('.quick-input-list .monaco-list-row.focused');
    return (await row.count()) > 0 && (await row.first().innerText()).includes(title);
  }, { timeout: 15_000, message: `"${title}" to be the highlighted command` });
  await page.keyboard.press('Enter');
}

export async function connectionRow(page: Page, name: string): Promise<void> {
  const connections = await expandPane(page, 'Connections');
  await connections.locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
}

/**
 * Picks `text` in a QuickPick (a single pick, not a flow step) once the pick whose placeholder is `placeholder` is on
 * screen (not the command palette that opened it, still closing), and waits until it has been taken.
 */
export async function pickItem(page: Page, placeholder: string, text: string): Promise<void> {
  const qi = quickInput(page);
  const what = `"${placeholder}" pick`;
  await waitFor(async () => (await qi.visible()) && (await qi.value()) === '' && (await qi.signature()).includes(placeholder),
    { timeout: 20_000, message: `the ${what}` }).catch(async (e) => { throw new Error(`${errorText(e)} (quick input now: ${await qi.signature().catch(() => '?')})`); });
  const before = await qi.signature();
  await page.keyboard.type(text, { delay: 10 });
  await waitFor(async () => {
    const focused = qi.widget.locator('.quick-input-list .monaco-list-row.focused');
    return (await focused.count()) > 0 && (await focused.first().innerText()).includes(text);
  }, { timeout: 10_000, message: `"${text}" to be the highlighted item of the ${what}` });
  await page.keyboard.press('Enter');
  await waitFor(async () => !(await qi.visible()) || (await qi.signature()) !== before, { timeout: 15_000, message: `the ${what} to be taken` });
}

/** The status bar's text (where a successful sync is reported: a routine sync gets no notification). */
export async function statusBarText(page: Page): Promise<string> {
  return (await page.locator('.part.statusbar').innerText().catch(() => '')).replace(/\s+/g, ' ');
}

export async function openNotificationsCenter(page: Page): Promise<void> {
  if (await page.locator('.notifications-center.visible').count()) return;
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center.visible').waitFor({ timeout: 10_000 });
}

/** Waits for the notification that says how connecting `name` went: success, or an error worth quoting at once. */
export async function connectedNotice(page: Page, name: string): Promise<void> {
  await openNotificationsCenter(page);
  const seen = new Set<string>();
  const outcome = await waitFor(async () => {
    const text = await notificationsText(page);
    if (text && !seen.has(text)) { seen.add(text); if (config.verbose) log('ui: notifications:', text); }
    const items = text.split(' | ');
    const ok = items.find((t) => t.includes(`Connected '${name}'`));
    if (ok) return { ok: true, text: ok };
    const bad = items.find((t) => t.includes(name) && /fail|error|could not|cannot/i.test(t));
    if (bad) return { ok: false, text: bad };
    return undefined;
  }, { timeout: 60_000, interval: 200, message: `a notification saying "Connected '${name}'"` }).catch((e) => {
    throw new Error(`${errorText(e)}; notifications seen: ${[...seen].join(' || ') || 'none'}`);
  });
  if (!outcome.ok) throw new Error(`the connect flow reported a problem: ${outcome.text}`);
}
