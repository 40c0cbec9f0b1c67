import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfigFile } from './config.js';
import { configJsonSchema } from './config-json-schema.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const committed = join(packageDir, 'config.schema.json');

describe('configJsonSchema', () => {
  it('13.5: matches the committed config.schema.json (regenerate: npm run schema -w @conduit-chat/relay)', () => {
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(configJsonSchema());
  });

  it('13.5: describes every top-level field of the zod config, requires sites, and allows $schema', () => {
    const schema = configJsonSchema() as {
      required: string[];
      properties: Record<string, { default?: unknown }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['$schema', ...Object.keys(configSchema.shape)].sort(),
    );
    expect(schema.required).toEqual(['sites']);
    expect(schema.properties.port?.default).toBe(8080);
  });

  it('13.5: a config file that names its $schema loads, and the self-host examples name the committed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-schema-'));
    try {
      const file = join(dir, 'conduit.json');
      writeFileSync(
        file,
        JSON.stringify({
          $schema: './config.schema.json',
          sites: [{ id: 'acme', name: 'Acme', origins: ['https://acme.example'] }],
        }),
      );
      expect(loadConfigFile(file, {}).sites[0]?.id).toBe('acme');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const name of ['conduit.json', 'conduit-behind-proxy.json']) {
      const example = join(packageDir, '../../examples/self-host', name);
      const { $schema } = JSON.parse(readFileSync(example, 'utf8')) as { $schema: string };
      expect(resolve(dirname(example), $schema)).toBe(committed);
    }
  });
});
