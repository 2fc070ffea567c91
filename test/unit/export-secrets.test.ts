import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdkSessionFactory } from '../../server/src/azure/clients';
import { EnvironmentCredentialSource } from '../../server/src/core/credentials';
import { silentLogger } from '../../server/src/core/logger';
import { RampartService } from '../../server/src/core/service';
import { EXPORT_FORMATS, exportEvidence, verifyBundle } from '../../server/src/export';
import { Store } from '../../server/src/store/store';
import { systemClock } from '../../server/src/util/clock';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from '../daemon/fixtures';
import { unzip } from '../fixtures/export/helpers';

process.env.NO_PROXY = '127.0.0.1,localhost';

/**
 * A store built the real way (connect + sync through the Azure SDKs against the emulator, the secret read from the
 * environment and registered for redaction), then made to hold the secret in an evidence row, as a bug or a
 * tenant's tag might. No export format may carry it, in any file, inside the bundle too.
 */
describe('exports never contain a secret', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string;
  let store: Store;

  before(async () => {
    emu = await startEmulator({ scenario: scenario() });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-export-secret-'));
    store = await Store.open(path.join(dir, 'store'));
    const service = new RampartService({
      store, clock: systemClock, sessions: new SdkSessionFactory(), log: silentLogger,
      credentials: new EnvironmentCredentialSource({ EXPORT_TEST_SECRET: SECRET }),
    });
    await service.start();
    const c = await service.connect({
      name: 'Prod', tenantId: TENANT, clientId: APP, credentialKind: 'secret', secretEnv: 'EXPORT_TEST_SECRET',
      subscriptions: [], cloud: emulatorCloud(emu),
    });
    const [run] = await service.sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
  });
  after(async () => {
    await emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('the synced store has evidence and the secret nowhere', async () => {
    assert.ok(store.data.evidence.length > 10);
    assert.doesNotMatch(await fs.readFile(store.file, 'utf8'), new RegExp(SECRET));
  });

  it('every format, every byte (bundle entries unpacked), even when a row picked the secret up', async () => {
    await store.update((d) => {
      const row = d.evidence.find((e) => e.type === 'resource-group')!;
      row.data = { ...row.data, tags: { note: `client secret ${SECRET} pasted into a tag` } };
      row.reason = `leak: ${SECRET}`;
    });
    for (const format of EXPORT_FORMATS) {
      const out = path.join(dir, `export.${format}`);
      const r = await exportEvidence(store.data, { format, out });
      assert.equal(r.rows, store.data.evidence.length);
      const bytes = await fs.readFile(out);
      assert.equal(bytes.indexOf(SECRET), -1, `${format}: raw bytes`);
      if (format === 'bundle') {
        const files = await unzip(out);
        for (const [name, content] of files) assert.equal(content.indexOf(SECRET), -1, `bundle ${name}`);
        assert.ok(files.get('evidence/CC6.6.json')!.toString('utf8').includes('client secret *** pasted'), 'the leak was redacted, not dropped');
        assert.deepEqual((await verifyBundle(out)).problems, []);
      } else {
        assert.ok(bytes.toString('utf8').includes('***'), `${format}: redaction marker present`);
      }
    }
  });
});
