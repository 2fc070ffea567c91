// One build for every bundle: the extension (client), the daemon (server), the CLI, and the real-editor test suite.
// `--production` minifies and drops sourcemaps; `--watch` rebuilds on change. Type checking is `npm run typecheck`.
import * as esbuild from 'esbuild';

const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('./package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The Azure SDK and lowdb ship ESM; `import.meta.url` is only used for paths we never take in a bundle.
  define: { 'import.meta.url': '__rampart_import_meta_url', __RAMPART_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: 'const __rampart_import_meta_url = require("url").pathToFileURL(__filename).href;' },
};

const builds = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'server/src/cli/main.ts' }, outdir: 'dist',
    banner: { js: '#!/usr/bin/env node\n' + common.banner.js } },
];
if (!production) {
  // The mocha suite that runs inside the real editor's extension host (never packaged).
  builds.push({ ...common, entryPoints: { index: 'test/e2e/suite/index.ts' }, outdir: 'dist-test/e2e', external: ['vscode', 'mocha'] });
  // The test-only authentication provider the real-editor tests load next to Rampart (an extension folder of its own).
  builds.push({ ...common, entryPoints: { extension: 'test/e2e/auth-provider/extension.ts' }, outdir: 'dist-test/auth-provider', external: ['vscode'] });
  (await import('node:fs')).mkdirSync('dist-test/auth-provider', { recursive: true });
  (await import('node:fs')).copyFileSync('test/e2e/auth-provider/package.json', 'dist-test/auth-provider/package.json');
}

const existing = [];
const fs = await import('node:fs');
for (const b of builds) {
  if (Object.values(b.entryPoints).every((p) => fs.existsSync(p))) existing.push(b);
}
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}
