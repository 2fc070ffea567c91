/**
 * Lint throughput over a generated corpus of role-definition JSON, ARM templates and Bicep files, in MB/s, with the
 * ratio to JSON.parse of the same JSON bytes. Prints figures; asserts nothing.   Run: npx tsx scripts/bench-lint.ts [MB]
 */
import { allOperations, lintText } from '../server/src/lint';

const targetMb = Number(process.argv[2] ?? 8);
let seed = 42;
const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
const ops = allOperations('action').map((o) => o.name);
const dataOps = allOperations('data').map((o) => o.name);
const pick = (list: string[], n: number) => Array.from({ length: n }, () => list[rand(list.length)]);

function roleJson(i: number): string {
  return JSON.stringify({
    Name: `Role ${i}`, IsCustom: true, Description: 'generated',
    Actions: [...pick(ops, 20 + rand(40)), ...(i % 5 === 0 ? ['Microsoft.Compute/*'] : [])],
    NotActions: i % 7 === 0 ? ['Microsoft.Compute/virtualMachines/delete'] : [],
    DataActions: pick(dataOps, rand(10)), NotDataActions: [],
    AssignableScopes: [`/subscriptions/00000000-0000-0000-0000-${String(i).padStart(12, '0')}`],
  }, null, 2);
}

function armTemplate(i: number): string {
  const resources = [];
  for (let k = 0; k < 20; k++) {
    resources.push({ type: 'Microsoft.Authorization/roleDefinitions', apiVersion: '2022-04-01', name: `[guid(resourceGroup().id, '${i}-${k}')]`,
      properties: { roleName: `r${k}`, permissions: [{ actions: pick(ops, 15), notActions: [] }], assignableScopes: ['[resourceGroup().id]'] } });
    resources.push({ type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: `[guid('${k}')]`,
      properties: { roleDefinitionId: "[variables('roleId')]", principalId: "[parameters('p')]", principalType: 'ServicePrincipal' } });
    resources.push({ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: `st${k}`, properties: { allowBlobPublicAccess: k % 2 === 0 } });
  }
  return JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    parameters: { p: { type: 'string' } },
    variables: { roleId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]" },
    resources }, null, 2);
}

function bicep(i: number): string {
  const out = [`param p string`, `var roleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'`];
  for (let k = 0; k < 20; k++) {
    out.push(`resource rd${k} 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, '${i}-${k}')
  properties: {
    roleName: 'r${k}'
    permissions: [
      {
        actions: [
${pick(ops, 15).map((o) => `          '${o}'`).join('\n')}
        ]
      }
    ]
    assignableScopes: [ resourceGroup().id ]
  }
}
resource ra${k} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('${k}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: p
    principalType: 'ServicePrincipal'
  }
}`);
  }
  return out.join('\n');
}

function corpus(make: (i: number) => string, ext: string): { name: string; text: string }[] {
  const files = [];
  let bytes = 0;
  for (let i = 0; bytes < targetMb * 1e6; i++) { const text = make(i); bytes += Buffer.byteLength(text); files.push({ name: `f${i}.${ext}`, text }); }
  return files;
}

function measure(label: string, files: { name: string; text: string }[], json: boolean): void {
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  for (const f of files.slice(0, 20)) lintText(f.name, f.text); // warm-up: catalog index, JIT
  let findings = 0;
  const t0 = performance.now();
  for (const f of files) findings += lintText(f.name, f.text).length;
  const lintMs = performance.now() - t0;
  let line = `${label.padEnd(28)} ${(bytes / 1e6).toFixed(1)} MB in ${files.length} files: lint ${(bytes / 1e6 / (lintMs / 1000)).toFixed(1)} MB/s (${findings} findings)`;
  if (json) {
    const t1 = performance.now();
    for (const f of files) JSON.parse(f.text);
    const parseMs = performance.now() - t1;
    line += `; JSON.parse ${(bytes / 1e6 / (parseMs / 1000)).toFixed(1)} MB/s; lint takes ${(lintMs / parseMs).toFixed(1)}x JSON.parse`;
  }
  console.log(line);
}

measure('role-definition JSON', corpus(roleJson, 'json'), true);
measure('ARM templates', corpus(armTemplate, 'json'), true);
measure('Bicep', corpus(bicep, 'bicep'), false);
