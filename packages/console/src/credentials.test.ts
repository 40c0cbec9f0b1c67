import { afterEach, describe, expect, it } from 'vitest';
import { forgetCredentials, loadCredentials, saveCredentials } from './credentials.js';

describe('credentials', () => {
  afterEach(() => sessionStorage.clear());

  it('keeps the key in sessionStorage only, and forgets it', () => {
    saveCredentials(sessionStorage, { site: 'acme', key: 'k-secret' });
    expect(loadCredentials(sessionStorage)).toEqual({ site: 'acme', key: 'k-secret' });
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    forgetCredentials(sessionStorage);
    expect(loadCredentials(sessionStorage)).toBeNull();
  });

  it('treats malformed stored values as none', () => {
    sessionStorage.setItem('conduit.console.signin', '{"site":1}');
    expect(loadCredentials(sessionStorage)).toBeNull();
    sessionStorage.setItem('conduit.console.signin', 'not json');
    expect(loadCredentials(sessionStorage)).toBeNull();
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem() {
        throw new Error('blocked');
      },
      setItem() {
        throw new Error('blocked');
      },
      removeItem() {
        throw new Error('blocked');
      },
    } as unknown as Storage;
    saveCredentials(broken, { site: 'acme', key: 'k' });
    expect(loadCredentials(broken)).toBeNull();
    forgetCredentials(broken);
  });
});
