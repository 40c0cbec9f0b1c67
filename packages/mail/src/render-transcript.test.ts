import { describe, expect, it } from 'vitest';
import { MAIL_LIMITS } from './limits.js';
import { renderTranscript } from './render-transcript.js';
import { foreignMarkup } from './test-html.js';
import { sampleTech, sampleTranscript } from './test-jobs.js';

describe('renderTranscript', () => {
  it('has a markup check that catches foreign elements and attributes', () => {
    expect(foreignMarkup('<p style="a:b"><img src=x onerror="y"></p>')).toEqual([
      '<img>',
      'img[src]',
      'img[onerror]',
    ]);
  });

  it('renders subject, every line with author, role and time, and the visitor details', () => {
    const { subject, text, html } = renderTranscript(sampleTranscript());
    expect(subject).toBe('Chat transcript: Ada on Acme, 2026-11-29');
    expect(text).toContain('15:01:00  Ada (visitor):\n    Hello, is the pro plan yearly?');
    expect(text).toContain('15:01:05  Bob (operator):\n    Hi Ada!\n    Yes, it is.');
    expect(text).toContain('* Bob joined');
    expect(text).toContain('Started: 2026-11-29 15:00:00 UTC');
    expect(text).toContain('Ended: 2026-11-29 15:02:00 UTC (the visitor ended the chat)');
    expect(text).toContain('plan: pro');
    expect(text).toContain('Pricing - https://acme.example/pricing');
    expect(html).toContain('<bdi>Bob</bdi></strong> · operator · 15:01:05');
    expect(html).toContain('Hi Ada!<br>Yes, it is.');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<table');
  });

  it('B4: renders script-like message text inert', () => {
    const attacks = [
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '</script><script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ];
    const job = sampleTranscript({
      messages: attacks.map((text, i) => ({ from: 'visitor' as const, text, at: i })),
    });
    const { html, text } = renderTranscript(job);
    expect(foreignMarkup(html)).toEqual([]);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The plain text shows exactly what was typed.
    for (const attack of attacks) expect(text).toContain(attack);
  });

  it('B5: escapes HTML/CSS in name, e-mail, custom fields, page title and referrer', () => {
    const job = sampleTranscript({
      visitor: {
        name: '<b>Ada</b>',
        email: '"><style>*{}</style>@x',
        custom: { '<k>': '<v onclick=x>' },
      },
      tech: sampleTech({
        referrer: 'https://r.example/"><script>',
        pages: [{ url: 'https://acme.example/<x>', title: '</title><script>', at: 0 }],
      }),
    });
    const { html } = renderTranscript(job);
    expect(foreignMarkup(html)).toEqual([]);
    expect(html).toContain('&lt;b&gt;Ada&lt;/b&gt;');
    expect(html).toContain('&lt;v onclick=x&gt;');
  });

  it('B19: isolates names and strips bidi overrides, so a visitor never reads as an operator', () => {
    const job = sampleTranscript({
      visitor: { name: '\u202Erotarepo' },
      messages: [{ from: 'visitor', name: 'Operator\u200B', text: 'hi', at: 0 }],
    });
    const { html, text } = renderTranscript(job);
    expect(html).toContain('<bdi>Operator</bdi></strong> · visitor');
    expect(text).toContain('Operator (visitor):');
    expect(html).not.toContain('\u202E');
  });

  it('shows the IP only when the job carries it', () => {
    expect(renderTranscript(sampleTranscript()).text).toContain('IP address: 203.0.113.7');
    const { ip: _ip, ...anonymous } = sampleTech();
    const { text, html } = renderTranscript(sampleTranscript({ tech: anonymous }));
    expect(text).not.toContain('IP address');
    expect(html).not.toContain('203.0.113.7');
  });

  it('B24: shows an explicit marker when the relay truncated the transcript', () => {
    const { text, html } = renderTranscript(sampleTranscript({ truncated: 12 }));
    expect(text).toContain('[transcript truncated: 12 earlier messages not kept]');
    expect(html).toContain('transcript truncated: 12 earlier messages not kept');
  });

  it('B24: bounds 10 000 messages to the body limit with a marker, keeping the newest', () => {
    const text = 'x'.repeat(MAIL_LIMITS.textChars);
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      from: 'visitor' as const,
      text: `#${i} ${text}`,
      at: i,
    }));
    const out = renderTranscript(sampleTranscript({ messages, truncated: 5 }));
    const bytes = Buffer.byteLength(out.text) + Buffer.byteLength(out.html);
    expect(bytes).toBeLessThanOrEqual(MAIL_LIMITS.maxBodyBytes);
    const kept = out.text.match(/#\d+ x/g)?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(out.text).toContain(`transcript truncated: ${10_000 - kept + 5} earlier messages`);
    expect(out.text).toContain('#9999 x');
    expect(out.text).not.toContain('#0 x');
  });

  it('B24: bounds short messages by count as well', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      from: 'operator' as const,
      text: `m${i}`,
      at: i,
    }));
    const out = renderTranscript(sampleTranscript({ messages }));
    expect(out.text).toContain(
      `transcript truncated: ${10_000 - MAIL_LIMITS.maxMessages} earlier messages not kept`,
    );
  });

  it('B24: clamps one oversized message to the text limit', () => {
    const huge = 'y'.repeat(MAIL_LIMITS.textChars + 1000);
    const out = renderTranscript(
      sampleTranscript({ messages: [{ from: 'visitor', text: huge, at: 0 }] }),
    );
    expect(out.text).toContain('y'.repeat(MAIL_LIMITS.textChars));
    expect(out.text).not.toContain('y'.repeat(MAIL_LIMITS.textChars + 1));
  });

  it('shows http(s) addresses as text and hides other schemes', () => {
    const job = sampleTranscript({
      tech: sampleTech({ referrer: 'javascript:alert(1)', pages: [] }),
    });
    const { text, html } = renderTranscript(job);
    expect(text).toContain('Referrer: (not an http(s) address; not shown)');
    expect(html).not.toContain('javascript:');
    expect(foreignMarkup(html)).toEqual([]);
  });
});
