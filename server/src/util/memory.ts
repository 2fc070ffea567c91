/**
 * The daemon is a long-lived background process next to the editor: memory matters more to it than peak speed.
 * Profiling a large sync (scripts/bench-evidence.ts: 40,000 role assignments; process.memoryUsage sampled with and
 * without forced collections) showed the live heap staying under about 200 MB while V8, which by default lets the
 * heap grow up to 4x what survived the last full collection, let garbage (the Azure SDK's page objects, each sync's
 * observations) pile up to more than twice that. This caps the growth at 1.5x. Measured in one session on the
 * 2-core machine: peak RSS about 420-450 MB without, 330-345 MB with; syncs about 1.2x to 1.5x slower (more full
 * collections); `--optimize-for-size` went lower (about 270 MB) but made the second sync twice as slow.
 */
import { setFlagsFromString } from 'node:v8';

export function preferSmallHeap(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
