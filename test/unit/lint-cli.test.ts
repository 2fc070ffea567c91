import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES } from './lint-helpers';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function rampart(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The structural requirements of SARIF 2.1.0 that consumers (GitHub code scanning) rely on. */
function validateSarif(log: any): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1);
  const run = log.runs[0];
  const driver = run.tool?.driver;
  assert.equal(typeof driver.name, 'string');
  const ids = new Set<string>();
  for (const r of driver.rules) {
    assert.match(r.id, /^RP\d{3}$/);
    assert.ok(!ids.has(r.id), `duplicate rule ${r.id}`);
    ids.add(r.id);
    for (const k of ['shortDescription', 'fullDescription', 'help']) assert.equal(typeof r[k].text, 'string', `${r.id}.${k}`);
    assert.equal(typeof r.name, 'string');
    // helpUri only when a real repository URL is configured (none is): the help travels inline.
    assert.equal(r.helpUri, undefined);
    assert.equal(typeof r.help.markdown, 'string', `${r.id}.help.markdown`);
    assert.ok(['error', 'warning', 'note', 'none'].includes(r.defaultConfiguration.level));
  }
  for (const res of run.results) {
    assert.ok(ids.has(res.ruleId));
    assert.equal(driver.rules[res.ruleIndex].id, res.ruleId);
    assert.ok(['error', 'warning', 'note', 'none'].includes(res.level));
    assert.equal(typeof res.message.text, 'string');
    const loc = res.locations[0].physicalLocation;
    assert.ok(!path.isAbsolute(loc.artifactLocation.uri) && !loc.artifactLocation.uri.includes('\\'));
    assert.ok(run.originalUriBaseIds[loc.artifactLocation.uriBaseId].uri.startsWith('file://'));
    const g = loc.region;
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(Number.isInteger(g[k]) && g[k] >= 1, `${k}=${g[k]}`);
    assert.ok(g.endLine > g.startLine || (g.endLine === g.startLine && g.endColumn >= g.startColumn));
    assert.match(Object.values(res.partialFingerprints)[0] as string, /^[0-9a-f]{32}$/);
  }
}

describe('rampart lint (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    if (!existsSync(CLI)) this.skip(); // run `node esbuild.mjs` first
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-lint-'));
    cpSync(FIXTURES, path.join(dir, 'iac'), { recursive: true });
    mkdirSync(path.join(dir, 'iac', 'node_modules'));
    writeFileSync(path.join(dir, 'iac', 'node_modules', 'bad.json'), JSON.stringify({ Actions: ['*'] }));
    writeFileSync(path.join(dir, 'iac', 'package.json'), JSON.stringify({ name: 'x' }));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('a folder with errors: exit 1, text report with file:line:col, node_modules skipped', () => {
    const r = rampart(['lint', 'iac'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^iac\/arm-bad\.json:\d+:\d+: error RP001 /m);
    assert.match(r.stdout, /iac\/bicep-bad\.bicep:\d+:\d+: warning RP101 /);
    assert.doesNotMatch(r.stdout, /node_modules|package\.json|good/);
  });

  it('least-privilege files: exit 0 and no findings', () => {
    const r = rampart(['lint', 'iac/arm-good.json', 'iac/bicep-good.bicep', 'iac/role-*-good.json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /4 files linted: 0 errors, 0 warnings, 0 notes/);
  });

  it('usage errors exit 2', () => {
    assert.equal(rampart(['lint'], dir).code, 2);
    assert.equal(rampart(['lint', '--format', 'xml', 'iac'], dir).code, 2);
    assert.equal(rampart(['lint', '--min-severity', 'fatal', 'iac'], dir).code, 2);
    assert.equal(rampart(['lint', 'no-such-file.json'], dir).code, 2);
  });

  it('--format json and --min-severity', () => {
    const all = JSON.parse(rampart(['lint', '--format', 'json', 'iac'], dir).stdout);
    const errors = JSON.parse(rampart(['lint', '--format', 'json', '--min-severity', 'error', 'iac'], dir).stdout);
    assert.ok(all.length > errors.length && errors.length > 0);
    assert.ok(errors.every((f: { severity: string }) => f.severity === 'error'));
    assert.ok(all.some((f: { severity: string }) => f.severity === 'information'));
    assert.equal(typeof all[0].line, 'number');
  });

  it('--format sarif: SARIF 2.1.0 with rule metadata, full regions and stable fingerprints', () => {
    const r = rampart(['lint', '--format', 'sarif', 'iac'], dir);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    validateSarif(log);
    const results = log.runs[0].results;
    const rules = new Set(results.map((x: { ruleId: string }) => x.ruleId));
    for (const id of ['RP001', 'RP002', 'RP003', 'RP004', 'RP005', 'RP020', 'RP021', 'RP022', 'RP101', 'RP102', 'RP103', 'RP104', 'RP105', 'RP106']) {
      assert.ok(rules.has(id), `${id} in SARIF`);
    }
    const again = JSON.parse(rampart(['lint', '--format', 'sarif', 'iac'], dir).stdout);
    assert.deepEqual(again.runs[0].results.map((x: any) => x.partialFingerprints), results.map((x: any) => x.partialFingerprints));
    const prints = results.map((x: any) => Object.values(x.partialFingerprints)[0]);
    assert.equal(new Set(prints).size, prints.length, 'fingerprints are unique');
  });

  it('.rampartrc.json: ignore and disable', () => {
    writeFileSync(path.join(dir, 'iac', '.rampartrc.json'), JSON.stringify({ ignore: ['arm-bad.json'], overrides: [{ files: 'bicep-*.bicep', disable: ['RP001', 'RP003', 'RP005', 'RP007'] }] }));
    try {
      const r = rampart(['lint', '--format', 'json', 'iac'], dir);
      const findings = JSON.parse(r.stdout);
      assert.ok(!findings.some((f: { file: string }) => f.file.endsWith('arm-bad.json')));
      assert.ok(!findings.some((f: { severity: string }) => f.severity === 'error'), r.stdout);
      assert.equal(r.code, 0);
    } finally {
      rmSync(path.join(dir, 'iac', '.rampartrc.json'));
    }
  });
});
