import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep } from '../../server/src/lint/bicep';
import { lex } from '../../server/src/lint/bicep/lexer';
import type { ParsedIacFile, Range } from '../../server/src/lint/model';

const dir = join(__dirname, '..', 'fixtures', 'bicep');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.bicep')).map((f) => readFileSync(join(dir, f), 'utf8'));

/** mulberry32: a small seeded PRNG, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = ["{", "}", "[", "]", "(", ")", "'", "'''", "${", "$'''", "\n", "\r\n", ":", ",", ".", "?", "@", "=", "!", "|", "*", "/", "/*", "//", "#", "\\", "::", "...", "=>", " ", "\t", "😀", "\u0000"];
const WORDS = ['constructor', '__proto__', 'toString', 'resource', 'param', 'var', 'module', 'output', 'type', 'func', 'import', 'if', 'for', 'in', 'existing', 'targetScope', 'x', '1', "'a'", 'true', 'null'];

function mutate(text: string, r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = () => Math.floor(r() * (text.length + 1));
  const tokens = lex(text).tokens;
  const rounds = 1 + Math.floor(r() * 4);
  for (let k = 0; k < rounds; k++) {
    const i = at();
    switch (Math.floor(r() * 7)) {
      case 0: text = text.slice(0, i) + text.slice(i + 1 + Math.floor(r() * 20)); break; // delete characters
      case 1: text = text.slice(0, i) + pick(SPECIAL) + text.slice(i); break; // insert a character
      case 2: { const n = Math.floor(r() * 40); text = text.slice(0, i) + text.slice(i, i + n) + text.slice(i); break; } // duplicate
      case 3: { const t = pick(tokens); text = text.slice(0, t.start) + text.slice(t.end); break; } // delete a token
      case 4: { const t = pick(tokens); text = text.slice(0, i) + text.slice(t.start, t.end) + text.slice(i); break; } // copy a token
      case 5: text = text.slice(0, i) + pick(WORDS) + ' ' + text.slice(i); break;
      default: text = text.slice(0, i) + text.slice(i).split('\n').slice(1 + Math.floor(r() * 3)).join('\n'); // drop lines
    }
  }
  return text;
}

function soup(r: () => number): string {
  const parts: string[] = [];
  const n = Math.floor(r() * 200);
  for (let i = 0; i < n; i++) parts.push(r() < 0.5 ? SPECIAL[Math.floor(r() * SPECIAL.length)] : WORDS[Math.floor(r() * WORDS.length)]);
  return parts.join(r() < 0.5 ? ' ' : '');
}

function checkRanges(text: string, parsed: ParsedIacFile): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  const ok = (range: Range) => range.start.line <= range.end.line && range.end.line < lines && range.start.character >= 0;
  for (const p of parsed.problems) assert.ok(ok(p.range), `bad problem range ${JSON.stringify(p)}`);
  for (const res of parsed.resources) assert.ok(ok(res.range) && ok(res.typeRange));
}

describe('bicep fuzz', function () {
  this.timeout(30_000);

  it('never throws and always terminates on mutated fixtures and random token soup', () => {
    const started = Date.now();
    let runs = 0, slowest = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const text = seed % 4 === 0 ? soup(r) : mutate(fixtures[seed % fixtures.length], r);
      const t0 = performance.now();
      let parsed: ParsedIacFile;
      try {
        parsed = parseBicep(text);
      } catch (e) {
        assert.fail(`seed ${seed} threw ${(e as Error).stack}\n---\n${text}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      checkRanges(text, parsed);
      runs++;
    }
    console.log(`      ${runs} fuzz inputs in ${Date.now() - started} ms, slowest ${slowest.toFixed(1)} ms`);
  });

  it('handles hostile inputs: deep nesting, huge literals, runaway loops', () => {
    const hostile = [
      '['.repeat(100_000), '{'.repeat(100_000), '('.repeat(100_000), "var x = '${".repeat(20_000), 'var x = ' + '!'.repeat(100_000),
      'var x = ' + 'a ? '.repeat(50_000), 'type t = ' + '-'.repeat(50_000), 'var x = ' + 'x => '.repeat(50_000),
      'var x = ' + '['.repeat(5000) + ']'.repeat(5000), "var s = '" + 'a'.repeat(1_000_000) + "'",
      'var x = [for a in range(0, 1000): [for b in range(0, 1000): [for c in range(0, 1000): c]]]\nresource r \'A.B/c@1\' = { name: x }',
      Array.from({ length: 3000 }, (_, i) => `var v${i + 1} = v${i}`).join('\n') + "\nvar v0 = 'x'\nresource r 'A.B/c@1' = { name: v3000 }",
    ];
    for (const text of hostile) {
      const t0 = performance.now();
      const parsed = parseBicep(text);
      const ms = performance.now() - t0;
      assert.ok(ms < 5000, `took ${ms} ms on ${text.slice(0, 40)}`);
      checkRanges(text, parsed);
    }
  });

  it('parses large generated files completely (speed is measured by npm run bench, not here)', () => {
    const block = (i: number) => [
      `@description('role ${i}')`,
      `param p${i} string = 'v${i}'`,
      `var actions${i} = concat(['Microsoft.Storage/storageAccounts/read'], ['x/${i}/write'])`,
      `resource role${i} 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {`,
      `  name: guid(subscription().id, '${i}')`,
      '  properties: {',
      "    roleName: '${p" + i + "}-role'",
      `    permissions: [{ actions: actions${i}, notActions: [] }]`,
      '    assignableScopes: [subscription().id]',
      '  }',
      '}',
      '',
    ].join('\n');
    const make = (lines: number) => Array.from({ length: Math.ceil(lines / 12) }, (_, i) => block(i)).join('\n');
    for (const lines of [5000, 20000]) {
      const parsed = parseBicep(make(lines));
      assert.equal(parsed.problems.length, 0);
      assert.equal(parsed.resources.length, Math.ceil(lines / 12));
    }
  });
});
