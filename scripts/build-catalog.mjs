#!/usr/bin/env node
// Builds server/data/catalog.json, the operation catalog and built-in roles the linter carries, from the reference
// facts in ../shared/data/azure-rbac (or the folder given as the first argument). The product never reads the shared
// folder at run time: this script is run by hand when the facts are refreshed and its output is committed.
//
// Shape (compact on purpose, esbuild inlines it into the bundles):
//   { version, source, providers: { "<Provider>": { a: ["type/.../op", ...], d: [...] } },
//     removed: [[name, isData(0|1), lastSeen]], roles: [[id, roleName, actions, notActions, dataActions, notDataActions]] }
// Names inside a provider omit the "<Provider>/" prefix; `a` are Actions (control plane), `d` DataActions.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(process.argv[2] ?? path.join(here, '../../shared/data/azure-rbac'));
const out = path.resolve(here, '../server/data/catalog.json');
const read = (f) => JSON.parse(readFileSync(path.join(src, f), 'utf8'));

const ops = read('azure-operations.json');
const removed = read('azure-operations-removed.json');
const roles = read('builtin-roles.json');

const providers = {};
for (const o of ops.operations) {
  // Microsoft's own data has stray spaces and slashes (validation-report.json): trim so the catalog is clean.
  const name = o.name.trim().replace(/\/+$/, '');
  const slash = name.indexOf('/');
  if (slash < 0) continue;
  // Group under the provider's registered spelling: some operations are listed as `microsoft.web/...`.
  const provider = o.provider && o.provider.toLowerCase() === name.slice(0, slash).toLowerCase() ? o.provider : name.slice(0, slash);
  const p = (providers[provider] ??= { a: [], d: [] });
  (o.dataAction ? p.d : p.a).push(name.slice(slash + 1));
}
const sortedProviders = {};
for (const k of Object.keys(providers).sort((x, y) => x.localeCompare(y))) {
  const p = providers[k];
  sortedProviders[k] = { a: [...new Set(p.a)].sort(), d: [...new Set(p.d)].sort() };
}

const clean = (list) => (list ?? []).map((s) => s.trim());
const catalog = {
  version: 1,
  source: 'az provider operation show + az role definition list (easimon/azure-builtin-roles), snapshot 2026-08-22',
  providers: sortedProviders,
  removed: removed.operations.map((o) => [o.name.trim(), o.dataAction ? 1 : 0, o.lastSeen]),
  roles: roles
    .map((r) => [r.id, r.roleName, clean(r.actions), clean(r.notActions), clean(r.dataActions), clean(r.notDataActions)])
    .sort((x, y) => x[1].localeCompare(y[1])),
};
mkdirSync(path.dirname(out), { recursive: true });
const text = JSON.stringify(catalog);
writeFileSync(out, text + '\n');
const count = Object.values(sortedProviders).reduce((n, p) => n + p.a.length + p.d.length, 0);
console.log(`${path.relative(process.cwd(), out)}: ${count} operations in ${Object.keys(sortedProviders).length} providers, ` +
  `${catalog.removed.length} removed, ${catalog.roles.length} roles, ${(text.length / 1e6).toFixed(2)} MB`);
