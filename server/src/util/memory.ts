/**
 * The daemon is a long-lived background process next to the editor: memory matters more to it than peak speed.
 * Profiling a large sync (scripts/bench-evidence.ts: 40,000 role assignments) showed the live heap staying under
 * about 200 MB while V8, tuned for throughput, let garbage (the Azure SDK's page objects, each sync's observations)
 * pile up to more than twice that before collecting it. This asks V8 to favour a small heap: it collects sooner.
 * Measured: peak RSS about 420-440 MB without, about 250-270 MB with, no slower sync.
 */
import { setFlagsFromString } from 'node:v8';

export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
