/**
 * The set-up most daemon suites share: per test, a fresh emulator serving a scenario and a fresh in-process daemon
 * (harness.ts) on a new store; after it, both stopped and the store removed. `set` hands them to the suite's own
 * variables, so test bodies keep reading `emu` and `d`.
 */
import { promises as fs } from 'node:fs';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';
import { storageAccount } from '../emulator/scenarios/posture-builders';
import { SUB_A, scenario } from './fixtures';
import { startDaemon, type TestDaemon } from './harness';

export interface EmulatorAndDaemonOptions {
  /** The tenant the emulator serves (default the fixtures' scenario). */
  scenario?: () => Scenario;
  /** The daemon's options, read when each test starts (so they may use the suite's clock). */
  daemon?: () => Parameters<typeof startDaemon>[0];
}

export function useEmulatorAndDaemon(set: (emu: EmulatorHandle, d: TestDaemon) => void, options: EmulatorAndDaemonOptions = {}): void {
  let emu: EmulatorHandle | undefined;
  let d: TestDaemon | undefined;
  beforeEach(async () => {
    emu = await startEmulator({ scenario: (options.scenario ?? scenario)() });
    d = await startDaemon(options.daemon?.());
    set(emu, d);
  });
  afterEach(async () => {
    await d?.stop();
    await emu?.stop();
    if (d) await fs.rm(d.storeDir, { recursive: true, force: true });
    d = undefined;
    emu = undefined;
  });
}

/** The fixtures' scenario with one storage account open to public blob access (a failing finding) in subscription A. */
export function scenarioWithPublicBlob(): Scenario {
  const s = scenario();
  s.subscriptions.find((x) => x.id === SUB_A)!.storageAccounts = [
    storageAccount('stpublic', 'a-rg-0', 'eastus', { allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true }),
  ];
  return s;
}
