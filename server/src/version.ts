/** The product version, set by the build from package.json (falls back when run from source). */
declare const __RAMPART_VERSION__: string | undefined;
export const VERSION: string = typeof __RAMPART_VERSION__ === 'string' ? __RAMPART_VERSION__ : '0.0.0-dev';

/** Whether version `a` (major.minor.patch, a pre-release suffix ignored) is older than `b`. */
export function isOlderVersion(a: string, b: string): boolean {
  const parts = (v: string) => v.split('-')[0].split('.').map((x) => Number(x) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}
