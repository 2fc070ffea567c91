/** The product version, set by the build from package.json (falls back when run from source). */
declare const __RAMPART_VERSION__: string | undefined;
export const VERSION: string = typeof __RAMPART_VERSION__ === 'string' ? __RAMPART_VERSION__ : '0.0.0-dev';
