import { z } from 'zod';
import { configSchema } from './config.js';

// The config file's JSON Schema, generated from the zod schema so that the two cannot drift:
// `conduit-relay schema` prints it, `packages/relay/config.schema.json` is its committed copy
// (regenerate with `npm run schema -w @conduit-chat/relay`; a test fails when it is stale).
// Editors use it for completion and checks; `conduit-relay check` stays the authority, because
// some rules (exact origins, e-mail addresses, duplicate ids) are code, not JSON Schema.

/** The property a config file may use to name its JSON Schema; the loader ignores it. */
export const SCHEMA_PROPERTY = '$schema';

/**
 * The JSON Schema (draft 2020-12) of a config file: the *input* side, where every field with a
 * default is optional.
 * @example writeFileSync('config.schema.json', JSON.stringify(configJsonSchema(), null, 2))
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, properties, ...rest } = generated as Record<string, unknown> & {
    properties?: Record<string, unknown>;
  };
  return {
    $schema,
    title: 'Conduit relay configuration',
    description:
      'The --config file of conduit-relay. Every field but "sites" has a default; ' +
      '`conduit-relay check --config FILE` validates a file completely.',
    ...rest,
    properties: {
      // A file that names its schema must still pass a strict loader.
      [SCHEMA_PROPERTY]: {
        type: 'string',
        description: 'Path or URL of this JSON Schema, for editors; the relay ignores it.',
      },
      ...properties,
    },
  };
}
