// A Prometheus text-format registry: counters and collected gauges, nothing more. The relay
// needs a handful of metrics; a client library would bring timers and defaults it never uses.
// Format: https://prometheus.io/docs/instrumenting/exposition_formats/ (text format 0.0.4).

/** The `Content-Type` of `render()`'s output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Label combinations kept per metric. Label values may come from input (an error code, a
 * role); past this many, increments go to one `{overflow="true"}` series so memory stays flat.
 */
export const METRICS_MAX_SERIES = 500;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OVERFLOW = '{overflow="true"}';

/** A monotonically increasing count. */
export interface Counter {
  /** Adds `n` (default 1) to the series of `labels`; negative or non-finite `n` is ignored. */
  inc(labels?: Record<string, string>, n?: number): void;
}

/** One sample a gauge's `collect` returns. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** A registry of metrics rendered in the Prometheus text format. */
export interface Metrics {
  /** Registers a counter; throws on an invalid or duplicate name (a programming error). */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  /** Registers a gauge whose value is read by `collect` at every `render()`. */
  gauge(name: string, help: string, collect: () => number | GaugeSample[]): void;
  /**
   * Registers a counter whose totals are kept elsewhere and read by `collect` at every
   * `render()` (they must only grow: a scraper treats a drop as a restart).
   */
  collectedCounter(name: string, help: string, collect: () => number | GaugeSample[]): void;
  /** The text exposition of every metric, sorted by name, series sorted by labels. */
  render(): string;
}

interface Entry {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples(): Map<string, number>;
}

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeValue = (s: string) =>
  s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `{a="x",b="y"}` for the given names, in that order; '' without names. */
function labelText(names: readonly string[], labels: Record<string, string> | undefined): string {
  if (names.length === 0) return '';
  const pairs = names.map((n) => `${n}="${escapeValue(String(labels?.[n] ?? ''))}"`);
  return `{${pairs.join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Samples of a collected metric; a failing collector costs its own samples, not the scrape. */
function collected(collect: () => number | GaugeSample[]): () => Map<string, number> {
  return () => {
    const out = new Map<string, number>();
    let value: number | GaugeSample[];
    try {
      value = collect();
    } catch {
      return out;
    }
    if (typeof value === 'number') return out.set('', value);
    for (const sample of value.slice(0, METRICS_MAX_SERIES)) {
      const names = Object.keys(sample.labels)
        .filter((l) => LABEL_NAME.test(l))
        .sort();
      out.set(labelText(names, sample.labels), sample.value);
    }
    return out;
  };
}

/**
 * Creates an empty metrics registry.
 * @example
 * const metrics = createMetrics();
 * const rejected = metrics.counter('conduit_frames_rejected_total', 'Frames rejected.', ['code']);
 * rejected.inc({ code: 'bad_json' });
 * metrics.gauge('conduit_sessions', 'Live sessions.', () => store.stats().sessions);
 * res.writeHeader('Content-Type', METRICS_CONTENT_TYPE).end(metrics.render());
 */
export function createMetrics(): Metrics {
  const entries = new Map<string, Entry>();

  const register = (entry: Entry, labelNames: readonly string[]) => {
    if (!METRIC_NAME.test(entry.name)) throw new TypeError(`Invalid metric name: ${entry.name}`);
    if (entries.has(entry.name)) throw new TypeError(`Metric already registered: ${entry.name}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'overflow') {
        throw new TypeError(`Invalid label name for ${entry.name}: ${label}`);
      }
    }
    if (new Set(labelNames).size !== labelNames.length) {
      throw new TypeError(`Duplicate label name for ${entry.name}`);
    }
    entries.set(entry.name, entry);
  };

  return {
    counter(name, help, labelNames = []) {
      const series = new Map<string, number>();
      if (labelNames.length === 0) series.set('', 0); // A counter with no labels shows 0 at once.
      register({ name, type: 'counter', help, samples: () => series }, labelNames);
      return {
        inc(labels, n = 1) {
          if (!(n >= 0 && Number.isFinite(n))) return;
          let key = labelText(labelNames, labels);
          if (!series.has(key) && series.size >= METRICS_MAX_SERIES) key = OVERFLOW;
          series.set(key, (series.get(key) ?? 0) + n);
        },
      };
    },

    gauge(name, help, collect) {
      register({ name, type: 'gauge', help, samples: collected(collect) }, []);
    },

    collectedCounter(name, help, collect) {
      register({ name, type: 'counter', help, samples: collected(collect) }, []);
    },

    render() {
      const lines: string[] = [];
      for (const name of [...entries.keys()].sort()) {
        const entry = entries.get(name)!;
        lines.push(`# HELP ${name} ${escapeHelp(entry.help)}`, `# TYPE ${name} ${entry.type}`);
        const samples = entry.samples();
        for (const key of [...samples.keys()].sort()) {
          lines.push(`${name}${key} ${formatValue(samples.get(key)!)}`);
        }
      }
      return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    },
  };
}
