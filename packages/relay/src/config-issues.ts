import type { z } from 'zod';

// Turns zod issues of the relay config into the `path: message` lines an operator reads
// (issue #12 item 5): an unknown key gets a line of its own with the nearest known key, a
// value that came from an environment variable is named by that variable, and a failed union
// (`mail`) reports the branch the input came closest to instead of "Invalid input".

/** Config paths (dot-joined) whose value came from an environment variable, with its name. */
export type EnvSources = Record<string, string>;

/** The largest edit distance still offered as "did you mean" (a typo, not another word). */
const MAX_SUGGESTION_DISTANCE = 3;

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** One line per problem, `path: message`, in input order. */
export function formatIssues(
  schema: z.ZodType,
  issues: readonly Issue[],
  sources: EnvSources = {},
): string[] {
  const lines: string[] = [];
  for (const issue of flatten(issues, [])) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      const parent = issue.path.length ? pathText(issue.path) : 'the config';
      for (const key of issue.keys) {
        // A key of another union branch (`smtp` next to `transport: "log"`) is no typo.
        const near = known.includes(key) ? undefined : nearest(key, known);
        const hint = known.includes(key)
          ? ` here (it belongs to another form of ${parent})`
          : near
            ? `, did you mean "${near}"?`
            : '';
        lines.push(`${pathText([...issue.path, key])}: unknown key${hint}`);
      }
      continue;
    }
    const path = pathText(issue.path);
    const env = sources[path];
    lines.push(`${env ?? path}: ${issue.message}`);
  }
  return [...new Set(lines)];
}

function pathText(path: Path): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

/** Replaces each failed union by the issues of its closest branch (fewest issues). */
function flatten(issues: readonly Issue[], prefix: Path): Array<Issue & { path: Path }> {
  const out: Array<Issue & { path: Path }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...flatten(closest, path));
    } else out.push({ ...issue, path });
  }
  return out;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas that `path` can lead to (several through a union). */
function objectsAt(schema: z.ZodType, path: Path): Def[] {
  const d = def(schema);
  if (d.innerType) return objectsAt(d.innerType, path);
  if (d.type === 'pipe' && d.in) return objectsAt(d.in, path);
  if (d.type === 'union' && d.options) return d.options.flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'array' && d.element) return objectsAt(d.element, rest);
  const child = d.type === 'object' ? d.shape?.[String(head)] : undefined;
  return child ? objectsAt(child, rest) : [];
}

function knownKeys(schema: z.ZodType, path: Path): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** The known key closest to `key` (case-insensitive edit distance), if it is close at all. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.min(MAX_SUGGESTION_DISTANCE, Math.max(1, Math.floor(key.length / 2)));
  if (bestDistance <= limit) return best;
  // A shortened key (`redis` for `redisUrl`) is a typo too.
  const lower = key.toLowerCase();
  return lower.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined;
}

/** Levenshtein distance (two rows; config keys are short). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
