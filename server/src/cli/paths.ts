import * as os from 'node:os';
import * as path from 'node:path';

/** The per-user data folder for the CLI's store when --store is not given. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.RAMPART_STORE) return env.RAMPART_STORE;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Rampart');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Rampart');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'rampart');
}
