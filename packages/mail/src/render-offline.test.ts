import { describe, expect, it } from 'vitest';
import { renderOffline } from './render-offline.js';
import { foreignMarkup } from './test-html.js';
import { sampleOffline, sampleTech } from './test-jobs.js';

describe('renderOffline', () => {
  it('renders subject, sender, page and message', () => {
    const { subject, text, html } = renderOffline(sampleOffline());
    expect(subject).toBe('Offline message from Ada on Acme');
    expect(text).toContain('From: Ada');
    expect(text).toContain('E-mail: ada@visitor.example');
    expect(text).toContain('Address: https://acme.example/contact');
    expect(text).toContain('Please call me back about the invoice.\nThanks!');
    expect(html).toContain('Please call me back about the invoice.<br>Thanks!');
  });

  it('B23: shows file, metadata and data URLs in the text as literal text only', () => {
    const body = [
      'file:///etc/passwd',
      'http://169.254.169.254/latest/meta-data/',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      '<img src="file:///etc/passwd">',
    ].join('\n');
    const { html, text } = renderOffline(sampleOffline({ text: body }));
    expect(text).toContain('file:///etc/passwd');
    expect(foreignMarkup(html)).toEqual([]);
    expect(html).toContain('&lt;img src=&quot;file:///etc/passwd&quot;&gt;');
  });

  it('hides a page address that is not http(s)', () => {
    const { text } = renderOffline(
      sampleOffline({ page: { url: 'file:///etc/passwd', title: 'x' } }),
    );
    expect(text).not.toContain('/etc/passwd');
  });

  it('B6: keeps subject and fields on one line', () => {
    const { subject } = renderOffline(sampleOffline({ name: 'Ada\r\nBcc: x@evil.example' }));
    expect(subject).toBe('Offline message from AdaBcc: x@evil.example on Acme');
  });

  it('lists technical data when the relay sent it', () => {
    const { text } = renderOffline(sampleOffline({ tech: sampleTech() }));
    expect(text).toContain('Browser: Firefox 140');
  });
});
