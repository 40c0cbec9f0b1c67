import { describe, expect, it } from 'vitest';
import { createMetrics, METRICS_CONTENT_TYPE, METRICS_MAX_SERIES } from './metrics.js';

/** The sample lines of `name` in a rendered exposition. */
const samplesOf = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('createMetrics', () => {
  it('renders counters and gauges in the text format, sorted by name and labels', () => {
    const metrics = createMetrics();
    const routed = metrics.counter('conduit_messages_routed_total', 'Messages routed.');
    const rejected = metrics.counter('conduit_frames_rejected_total', 'Frames rejected.', ['code']);
    metrics.gauge('conduit_connections', 'Open sockets by role.', () => [
      { labels: { role: 'visitor' }, value: 3 },
      { labels: { role: 'operator' }, value: 1 },
    ]);
    metrics.gauge('conduit_sessions', 'Live sessions.', () => 2);
    routed.inc();
    routed.inc(undefined, 4);
    rejected.inc({ code: 'too_large' });
    rejected.inc({ code: 'bad_json' }, 2);

    expect(metrics.render()).toBe(
      [
        '# HELP conduit_connections Open sockets by role.',
        '# TYPE conduit_connections gauge',
        'conduit_connections{role="operator"} 1',
        'conduit_connections{role="visitor"} 3',
        '# HELP conduit_frames_rejected_total Frames rejected.',
        '# TYPE conduit_frames_rejected_total counter',
        'conduit_frames_rejected_total{code="bad_json"} 2',
        'conduit_frames_rejected_total{code="too_large"} 1',
        '# HELP conduit_messages_routed_total Messages routed.',
        '# TYPE conduit_messages_routed_total counter',
        'conduit_messages_routed_total 5',
        '# HELP conduit_sessions Live sessions.',
        '# TYPE conduit_sessions gauge',
        'conduit_sessions 2',
        '',
      ].join('\n'),
    );
  });

  it('exports the content type of text format 0.0.4', () => {
    expect(METRICS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('renders nothing for an empty registry and 0 for an unlabelled counter never increased', () => {
    const metrics = createMetrics();
    expect(metrics.render()).toBe('');
    metrics.counter('x_total', 'X.');
    expect(samplesOf(metrics.render(), 'x_total')).toEqual(['x_total 0']);
  });

  it('escapes backslash, double quote and newline in label values and help text', () => {
    const metrics = createMetrics();
    metrics.counter('x_total', 'Line one\nback\\slash "quoted"', ['code']).inc({
      code: 'a\\b"c\nd}',
    });
    const text = metrics.render();
    expect(text).toContain('# HELP x_total Line one\\nback\\\\slash "quoted"\n');
    expect(samplesOf(text, 'x_total')).toEqual(['x_total{code="a\\\\b\\"c\\nd}"} 1']);
    expect(text.split('\n')).toHaveLength(4); // no line was broken by the newline
  });

  it('orders labels as registered, fills missing ones with "" and ignores unknown ones', () => {
    const metrics = createMetrics();
    const c = metrics.counter('x_total', 'X.', ['site', 'code']);
    c.inc({ code: 'bad_json', site: 'acme', extra: 'ignored' });
    c.inc({ site: 'acme' });
    expect(samplesOf(metrics.render(), 'x_total')).toEqual([
      'x_total{site="acme",code=""} 1',
      'x_total{site="acme",code="bad_json"} 1',
    ]);
  });

  it('ignores negative, NaN and infinite increments (counters only go up)', () => {
    const metrics = createMetrics();
    const c = metrics.counter('x_total', 'X.');
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) c.inc(undefined, n);
    c.inc(undefined, 0.5);
    expect(samplesOf(metrics.render(), 'x_total')).toEqual(['x_total 0.5']);
  });

  it('throws at registration for invalid or duplicate names', () => {
    const metrics = createMetrics();
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a{b}', 'ä']) {
      expect(() => metrics.counter(bad, 'X.'), bad).toThrow(TypeError);
    }
    for (const bad of [['a-b'], ['__name__'], ['1a'], ['overflow'], ['a', 'a']]) {
      expect(() => metrics.counter('ok_total', 'X.', bad), bad.join()).toThrow(TypeError);
    }
    metrics.counter('dup', 'X.');
    expect(() => metrics.counter('dup', 'X.')).toThrow(/already registered/);
    expect(() => metrics.gauge('dup', 'X.', () => 1)).toThrow(/already registered/);
    expect(metrics.render()).toBe('# HELP dup X.\n# TYPE dup counter\ndup 0\n');
  });

  it(`keeps at most ${METRICS_MAX_SERIES} label combinations, then counts into {overflow="true"}`, () => {
    const metrics = createMetrics();
    const c = metrics.counter('x_total', 'X.', ['code']);
    const hostile = METRICS_MAX_SERIES + 100;
    for (let i = 0; i < hostile; i++) c.inc({ code: `junk-${i}` });
    c.inc({ code: 'junk-0' }); // an existing series still counts on its own
    const samples = samplesOf(metrics.render(), 'x_total');
    expect(samples).toHaveLength(METRICS_MAX_SERIES + 1);
    expect(samples).toContain('x_total{overflow="true"} 100');
    expect(samples).toContain('x_total{code="junk-0"} 2');
    const total = samples.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    expect(total).toBe(hostile + 1); // nothing lost
  });

  it('renders a gauge whose collector throws without its samples, and the others intact', () => {
    const metrics = createMetrics();
    metrics.gauge('a_broken', 'Broken.', () => {
      throw new Error('boom');
    });
    metrics.gauge('b_ok', 'Fine.', () => 7);
    expect(metrics.render()).toBe(
      '# HELP a_broken Broken.\n# TYPE a_broken gauge\n# HELP b_ok Fine.\n# TYPE b_ok gauge\nb_ok 7\n',
    );
  });

  it('reads gauges at every render and writes special values as Prometheus does', () => {
    const metrics = createMetrics();
    let n = 1;
    metrics.gauge('g', 'G.', () => n);
    metrics.gauge('s', 'S.', () => [
      { labels: { k: 'nan' }, value: Number.NaN },
      { labels: { k: 'pos' }, value: Number.POSITIVE_INFINITY },
      { labels: { k: 'neg' }, value: Number.NEGATIVE_INFINITY },
      { labels: { 'bad-name': 'x', k: 'zero' }, value: -0.25 },
    ]);
    expect(samplesOf(metrics.render(), 'g')).toEqual(['g 1']);
    n = 42;
    expect(samplesOf(metrics.render(), 'g')).toEqual(['g 42']);
    expect(samplesOf(metrics.render(), 's')).toEqual([
      's{k="nan"} NaN',
      's{k="neg"} -Inf',
      's{k="pos"} +Inf',
      's{k="zero"} -0.25',
    ]);
  });

  it(`renders at most ${METRICS_MAX_SERIES} samples of one gauge`, () => {
    const metrics = createMetrics();
    const many = Array.from({ length: METRICS_MAX_SERIES * 2 }, (_, i) => ({
      labels: { i: String(i) },
      value: i,
    }));
    metrics.gauge('g', 'G.', () => many);
    expect(samplesOf(metrics.render(), 'g')).toHaveLength(METRICS_MAX_SERIES);
  });
});
