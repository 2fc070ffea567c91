/**
 * The .rampartrc.json in force for a file: the nearest one at or above its folder (as `rampart lint` finds it). An
 * open editor buffer of the config wins over the disk (a quick fix edits it before it is saved); disk reads are cached
 * and re-read when the file's mtime or size changes, so an edit made outside the editor is seen at the next lint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig, type RampartConfig } from '../lint/config';

export const CONFIG_NAME = '.rampartrc.json';

export interface ResolvedConfig {
  /** The config file, when one was found. */
  file?: string;
  config?: RampartConfig;
  /** The linted file relative to the config's folder, '/'-separated (the file's own path without a config). */
  relativePath: string;
}

export class ConfigResolver {
  private readonly disk = new Map<string, { mtimeMs: number; size: number; config: RampartConfig }>();

  /** `openText(path)` answers the text of an open buffer for a file path, if the editor has it open. */
  constructor(private readonly openText: (file: string) => string | undefined, private readonly warn: (m: string) => void = () => undefined) {}

  resolve(file: string): ResolvedConfig {
    let dir = path.dirname(file);
    for (let depth = 0; depth < 128; depth++) {
      const candidate = path.join(dir, CONFIG_NAME);
      const config = this.read(candidate);
      if (config) return { file: candidate, config, relativePath: path.relative(dir, file).split(path.sep).join('/') };
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return { relativePath: file.split(path.sep).join('/') };
  }

  /** Forgets cached reads (a watched config changed). */
  invalidate(): void { this.disk.clear(); }

  private read(file: string): RampartConfig | undefined {
    const open = this.openText(file);
    if (open !== undefined) return parseConfig(open).config;
    let st: fs.Stats | undefined;
    try { st = fs.statSync(file, { throwIfNoEntry: false }); } catch { st = undefined; }
    if (!st?.isFile()) { this.disk.delete(file); return undefined; }
    const hit = this.disk.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.config;
    try {
      const { config, problems } = parseConfig(fs.readFileSync(file, 'utf8'));
      for (const p of problems) this.warn(`${file}: ${p}`);
      this.disk.set(file, { mtimeMs: st.mtimeMs, size: st.size, config });
      return config;
    } catch (e) {
      this.warn(`${file}: ${(e as Error).message}`);
      return undefined;
    }
  }
}
