/**
 * extensionTestsPath entry point (bundled by esbuild.mjs to dist-test/e2e/index.js; `vscode` and `mocha` stay
 * external and resolve at run time). The workbench calls run() in the extension host; its promise decides the
 * codeAutomationExit code. The reporter logs one line per test and writes the counts to host-results.json in the
 * run folder, where the driver (test/e2e/driver/host.ts) reads them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import type { PhaseResult } from '../shared/wait';
import { registerActivationTests } from './activation.test';
import { registerSyncTests } from './sync.test';
import { registerSecretTests } from './secrets.test';
import { registerFailureTests } from './failures.test';
import { registerStaleTests } from './stale.test';
import { registerEvidenceRowTests } from './evidence-row.test';
import { registerLintTests } from './lint.test';
import { registerExportTests } from './export.test';
import { registerSetupTests } from './setup.test';
import { registerRolesTests } from './roles.test';
import { registerRevokedEvidenceTests } from './revoked-evidence.test';
import { registerRunWarningTests } from './run-warnings.test';
import { registerOrganizationTests } from './organizations.test';
import { registerDaemonTests } from './daemon.test';

const PREFIX = '[rampart-e2e]';

/** Logs each test as it ends and writes the phase result file when the run ends. */
class E2EReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const started = Date.now();
    const result: PhaseResult = { phase: 'host', passed: 0, failed: 0, durationMs: 0, tests: [] };
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END, EVENT_SUITE_BEGIN } = Mocha.Runner.constants;
    let pending = 0;
    runner.on(EVENT_TEST_PENDING, () => pending++);
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) console.log(`${PREFIX} ${suite.fullTitle()}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      console.log(`${PREFIX}   ok   ${test.title} (${test.duration ?? 0} ms)`);
    });
    let afterHookFailures = 0;
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test | Mocha.Hook, err: Error) => {
      const isHook = test.type === 'hook';
      // A failing before/beforeEach hook skips the tests under it (counted below as not run); a failing after hook
      // skips nothing, so it counts on its own.
      if (isHook && /^"after (all|each)" hook/.test(test.title)) afterHookFailures++;
      if (!isHook) result.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: err?.message });
      console.log(`${PREFIX}   FAIL ${test.title}: ${err?.message}`);
      if (err?.stack) console.log(`${PREFIX}        ${err.stack.split('\n').slice(1, 4).join('\n        ')}`);
    });
    runner.on(EVENT_RUN_END, () => {
      result.passed = result.tests.filter((t) => t.state === 'passed').length;
      const failedTests = result.tests.length - result.passed;
      const notRun = Math.max(0, runner.total - result.tests.length - pending);
      if (notRun) result.tests.push({ title: `${notRun} test(s) skipped by a failing hook`, state: 'failed' });
      result.failed = failedTests + notRun + afterHookFailures;
      result.durationMs = Date.now() - started;
      console.log(`${PREFIX} ${result.passed} passed, ${result.failed} failed (${notRun} not run) in ${result.durationMs} ms`);
      const work = process.env.RAMPART_E2E_WORK;
      if (work) fs.writeFileSync(path.join(work, 'host-results.json'), JSON.stringify(result, null, 2) + '\n');
    });
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: E2EReporter, timeout: 60_000, color: false });
  // The suite files are bundled into this file, so there is nothing for mocha to load: install the BDD
  // globals (describe/it/before...) the way mocha does for a file, then let each file declare its tests.
  mocha.suite.emit('pre-require', globalThis, 'rampart-e2e', mocha);
  // Order matters: the later suites build on the connection the sync suite creates.
  registerActivationTests();
  registerSyncTests();
  registerSecretTests();
  registerFailureTests();
  registerStaleTests();
  registerEvidenceRowTests();
  registerLintTests();
  registerExportTests();
  registerSetupTests();
  registerRevokedEvidenceTests();
  registerRunWarningTests();
  registerOrganizationTests();
  registerDaemonTests();
  // Last: it makes this user a viewer for a moment, then restores the store's roles.
  registerRolesTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
