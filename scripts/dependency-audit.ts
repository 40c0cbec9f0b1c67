// Checks over `npm ls --json` trees: known-safe minimum versions (SECURITY.md F16; the registry's
// audit endpoint does not answer here) and the licence allow-list of production dependencies.
// Pure functions over parsed JSON, so the tests can feed them fabricated trees.

/** A node of `npm ls --json` output (`--long` adds `path` and the manifest fields). */
export interface NpmNode {
  version?: string;
  path?: string;
  private?: boolean;
  dependencies?: Record<string, NpmNode>;
}

/** One entry of `safe-versions.json`. */
export interface SafeVersion {
  /** Lowest safe version on the current line. */
  min: string;
  /** Patched releases on older lines: safe when the same major.minor and at or above. */
  olderLines?: string[];
  advisory: string;
}

/** An installed copy of a package, with its path through the tree (`a > b > c`). */
export interface Copy {
  name: string;
  version: string;
  path: string;
  dir: string | undefined;
}

/** Every installed copy in the tree, depth first; uninstalled optional entries are skipped. */
export function installedCopies(root: NpmNode): Copy[] {
  const out: Copy[] = [];
  const walk = (node: NpmNode, trail: string[]) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const path = [...trail, name];
      // `{}` marks an optional dependency for another platform that was not installed.
      if (child.version)
        out.push({ name, version: child.version, path: path.join(' > '), dir: child.path });
      walk(child, path);
    }
  };
  walk(root, []);
  return out;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semver precedence (2.0.0 §11): negative, 0 or positive; throws on a non-semver string. */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new TypeError(`Not a semver version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  const ra = pa[4]?.split('.');
  const rb = pb[4]?.split('.');
  if (!ra || !rb) return (ra ? -1 : 0) + (rb ? 1 : 0); // a release outranks its pre-releases
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Whether `version` is at or above the known-safe version for its line. */
export function isSafeVersion(version: string, rule: SafeVersion): boolean {
  if (compareVersions(version, rule.min) >= 0) return true;
  const line = (v: string) => v.split('.').slice(0, 2).join('.');
  return (rule.olderLines ?? []).some(
    (fixed) => line(fixed) === line(version) && compareVersions(version, fixed) >= 0,
  );
}

/** Copies below their known-safe version, as `name@version at path (advisory)` lines. */
export function findUnsafe(root: NpmNode, rules: Record<string, SafeVersion>): string[] {
  return installedCopies(root)
    .filter((c) => Object.hasOwn(rules, c.name) && !isSafeVersion(c.version, rules[c.name]!))
    .map((c) => `${c.name}@${c.version} at ${c.path} (${rules[c.name]!.advisory})`);
}

/**
 * Whether an SPDX licence expression is acceptable: `A OR B` needs one side allowed, `A AND B`
 * both; `X WITH exception` and `X+` count as `X` (an exception only grants more).
 */
export function licenceAllowed(expression: string, allowed: ReadonlySet<string>): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === '(') {
      const value = or();
      if (tokens[at++] !== ')') throw new SyntaxError(`Unbalanced SPDX expression: ${expression}`);
      return value;
    }
    if (token === undefined || /^(AND|OR|WITH|\))$/i.test(token)) {
      throw new SyntaxError(`Malformed SPDX expression: ${expression}`);
    }
    if (tokens[at]?.toUpperCase() === 'WITH') at += 2;
    return allowed.has(token.replace(/\+$/, ''));
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[at]?.toUpperCase() === 'AND') {
      at++;
      value = primary() && value; // evaluate both sides: a syntax error must not hide
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at]?.toUpperCase() === 'OR') {
      at++;
      value = and() || value;
    }
    return value;
  };
  try {
    const value = or();
    return at === tokens.length && value;
  } catch {
    return false; // an expression we cannot read is not an allowed licence
  }
}

/** The licence a manifest declares: SPDX `license`, or the legacy object / `licenses` array. */
export function declaredLicence(manifest: Record<string, unknown>): string | undefined {
  const typeOf = (l: unknown) =>
    typeof l === 'string' ? l : (l as { type?: unknown } | null)?.type;
  const single = typeOf(manifest.license);
  if (typeof single === 'string' && single.trim() !== '') return single.trim();
  // The deprecated `licenses` array listed the licences a package was offered under.
  const list = Array.isArray(manifest.licenses) ? manifest.licenses.map(typeOf) : [];
  const names = list.filter((l): l is string => typeof l === 'string' && l !== '');
  return names.length > 0 ? `(${names.join(' OR ')})` : undefined;
}

/**
 * Production dependencies of the publishable (non-private) top-level packages whose licence
 * is missing or not allowed, as `name@version (licence) at path` lines.
 */
export function findLicenceOffenders(
  root: NpmNode,
  allowed: ReadonlySet<string>,
  readManifest: (dir: string) => Record<string, unknown>,
): string[] {
  const offenders = new Set<string>();
  for (const [name, top] of Object.entries(root.dependencies ?? {})) {
    if (top.private === true) continue;
    for (const copy of installedCopies({ dependencies: { [name]: top } })) {
      const licence = copy.dir === undefined ? undefined : declaredLicence(readManifest(copy.dir));
      if (licence === undefined || !licenceAllowed(licence, allowed)) {
        offenders.add(`${copy.name}@${copy.version} (${licence ?? 'no licence'}) at ${copy.path}`);
      }
    }
  }
  return [...offenders];
}

/** A package that must never ship, with the reason. */
export interface ForbiddenPackage {
  /** Exact name, or a `/regexp/i` source when it starts and ends with `/`. */
  name: string;
  /** Only versions at or above this are forbidden (default: every version). */
  from?: string;
  reason: string;
}

/** Installed copies that match a forbidden entry, as `name@version at path: reason` lines. */
export function findForbidden(root: NpmNode, forbidden: readonly ForbiddenPackage[]): string[] {
  const matches = (rule: ForbiddenPackage, name: string) =>
    rule.name.length > 2 && rule.name.startsWith('/') && rule.name.endsWith('/')
      ? new RegExp(rule.name.slice(1, -1), 'i').test(name)
      : rule.name === name;
  return installedCopies(root).flatMap((c) =>
    forbidden
      .filter((r) => matches(r, c.name) && (!r.from || compareVersions(c.version, r.from) >= 0))
      .map((r) => `${c.name}@${c.version} at ${c.path}: ${r.reason}`),
  );
}
