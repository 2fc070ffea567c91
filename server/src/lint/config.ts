/**
 * `.rampartrc.json`: rules turned off for every file, files not linted, and per-glob overrides.
 *   { "disable": ["RP011"], "ignore": ["legacy/**"], "overrides": [{ "files": "roles/*.json", "disable": ["RP006"] }] }
 * Globs are relative to the folder holding the config file.
 */
import { parseJson, toPlain } from './json';

export interface RampartConfig {
  disable?: string[];
  ignore?: string[];
  overrides?: { files: string | string[]; disable?: string[] }[];
}

/** Parses a config file's text; problems are returned (a broken config must not stop linting). */
export function parseConfig(text: string): { config: RampartConfig; problems: string[] } {
  const r = parseJson(text);
  const problems = r.problems.map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1} ${p.message}`);
  const raw = toPlain(r.value) as Record<string, unknown> | undefined;
  const config: RampartConfig = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { config, problems: [...problems, 'expected an object'] };
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : undefined);
  config.disable = strings(raw.disable);
  config.ignore = strings(raw.ignore);
  if (Array.isArray(raw.overrides)) {
    config.overrides = raw.overrides.flatMap((o: unknown) => {
      const obj = o as Record<string, unknown>;
      const files = strings(obj?.files);
      return files ? [{ files, disable: strings(obj.disable) ?? [] }] : [];
    });
  }
  return { config, problems };
}

const globCache = new Map<string, RegExp>();

/**
 * A glob as a regular expression over '/'-separated relative paths: `**` any folders, `*` and `?` within one
 * segment, `{a,b}` alternatives. A glob without '/' matches the file name at any depth (as .gitignore does).
 */
export function globToRegExp(glob: string, matchBase = true): RegExp {
  const cacheKey = (matchBase ? 'b:' : 'a:') + glob;
  let re = globCache.get(cacheKey);
  if (re) return re;
  let g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (matchBase && !g.includes('/')) g = '**/' + g;
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      i++;
      if (g[i + 1] === '/') { i++; out += '(?:.*/)?'; } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = g.indexOf('}', i);
      if (close < 0) { out += '\\{'; continue; }
      out += '(?:' + g.slice(i + 1, close).split(',').map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
      i = close;
    } else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  re = new RegExp('^' + out + '(?:/.*)?$', process.platform === 'win32' ? 'i' : '');
  globCache.set(cacheKey, re);
  return re;
}

/** Whether a relative path ('/'-separated) matches a glob. */
export function matchGlob(glob: string, relativePath: string): boolean {
  return globToRegExp(glob).test(relativePath.replace(/\\/g, '/'));
}

/** Whether the config ignores the file, and which rules it disables for it. */
export function configFor(config: RampartConfig | undefined, relativePath: string): { ignored: boolean; disabled: Set<string> } {
  const disabled = new Set((config?.disable ?? []).map((d) => d.toUpperCase()));
  if (!config) return { ignored: false, disabled };
  const ignored = (config.ignore ?? []).some((g) => matchGlob(g, relativePath));
  for (const o of config.overrides ?? []) {
    const files = Array.isArray(o.files) ? o.files : [o.files];
    if (files.some((g) => matchGlob(g, relativePath))) for (const d of o.disable ?? []) disabled.add(d.toUpperCase());
  }
  return { ignored, disabled };
}
