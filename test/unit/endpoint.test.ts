import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

describe('daemon endpoint', () => {
  it('is named for a user with no passwd entry too (a container\'s arbitrary uid)', function () {
    if (process.platform === 'win32' || process.getuid?.() !== 0) this.skip();
    // A child that becomes uid 4242, which has no passwd entry here: os.userInfo() throws for it.
    const script = `process.setuid(4242); const os = require('node:os');
      let info = 'ok'; try { os.userInfo(); } catch (e) { info = e.code; }
      const { endpointFor } = require(${JSON.stringify(path.resolve(__dirname, '../../server/src/host/endpoint.ts'))});
      console.log(JSON.stringify({ info, endpoint: endpointFor('/tmp/some-store') }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, USER: '', USERNAME: '' } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.notEqual(out.info, 'ok', 'the uid really has no passwd entry');
    assert.match(out.endpoint, /rampart-4242\/[0-9a-f]{24}\.sock$/);
  });
});
