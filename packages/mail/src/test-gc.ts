// Garbage collection on demand for reference tests (excluded from the build). Vitest 4 has no
// per-file execArgv, so the flag is set at run time and `gc` taken from a fresh context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Whether the object behind `ref` is gone after a few full collections. Yields between them,
 * since a WeakRef target stays alive until the job that created the ref has finished.
 */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let round = 0; round < 5; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    if (ref.deref() === undefined) return true;
  }
  return false;
}
