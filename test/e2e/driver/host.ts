/**
 * Runs the mocha suite inside the real extension host: opens the workbench with extensionDevelopmentPath and
 * extensionTestsPath, waits for codeAutomationExit, and turns what the suite's reporter wrote into the phase
 * result (test/e2e/suite/index.ts writes host-results.json into the run folder).
 *
 *   npx tsx test/e2e/driver/host.ts        (run.sh sets the environment; exit 0 only when every test passed)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PhaseResult } from '../shared/wait';
import { config, launch, log, readResult, workbenchUrl, writeResult } from './workbench';

const TIMEOUT_MS = Number(process.env.RAMPART_E2E_HOST_TIMEOUT_MS ?? 150_000);

export async function runHostSuite(): Promise<PhaseResult> {
  const started = Date.now();
  const resultFile = path.join(config.work, 'host-results.json');
  fs.rmSync(resultFile, { force: true });
  // The suite's reporter prefixes its lines with [rampart-e2e]; those always reach stdout, live.
  const session = await launch({ echo: (line, type) => line.includes('[rampart-e2e]') || type === 'error' && /rampart/i.test(line) });
  let exitCode: number | 'timeout' | 'no-exit';
  try {
    const url = workbenchUrl({ tests: true });
    log('host suite: opening', url);
    await session.page.goto(url, { timeout: 60_000 });
    let timer: NodeJS.Timeout | undefined;
    exitCode = await Promise.race([
      session.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  } catch (e) {
    log('host suite: driver error', e);
    exitCode = 'no-exit';
  } finally {
    await session.close();
  }
  log(`host suite: codeAutomationExit = ${exitCode}`);

  const reported = readResult(resultFile);
  const result: PhaseResult = reported ?? { phase: 'host', passed: 0, failed: 0, durationMs: 0, tests: [] };
  result.durationMs = Date.now() - started;
  if (!reported) {
    // The runner never finished (activation crash, timeout, bundle missing): that is one failed test, not zero.
    result.failed += 1;
    result.tests.push({ title: 'host suite ran to completion', state: 'failed', error: `no result file; exit ${exitCode}` });
    const tail = session.logLines.slice(-40).join('\n');
    if (tail) console.log('last workbench log lines:\n' + tail);
  } else if (exitCode !== 0 && result.failed === 0) {
    result.failed += 1;
    result.tests.push({ title: 'host suite exit code', state: 'failed', error: `codeAutomationExit ${exitCode}` });
  }
  writeResult(resultFile, result);
  return result;
}

if (require.main === module) {
  runHostSuite().then(
    (r) => {
      log(`host suite: ${r.passed} passed, ${r.failed} failed in ${(r.durationMs / 1000).toFixed(1)} s`);
      process.exit(r.failed === 0 && r.passed > 0 ? 0 : 1);
    },
    (e) => {
      console.error('host suite: harness error', e);
      process.exit(2);
    },
  );
}
