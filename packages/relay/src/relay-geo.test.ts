import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRelay } from './relay.js';
import { recordingDispatcher, testConfig } from './test-relay.js';

describe('startRelay geo config', () => {
  it('refuses to start when the configured city database is missing, naming the setting', async () => {
    const cityDb = join(tmpdir(), 'conduit-no-such-city.mmdb');
    const config = { ...testConfig('ws'), geo: { cityDb } };
    await expect(startRelay(config, { dispatcher: recordingDispatcher() })).rejects.toMatchObject({
      code: 'geo_db_missing',
    });
  });
});
