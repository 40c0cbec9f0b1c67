import type { Writable } from 'node:stream';
import { type ConfigEnv, configSchema, loadConfigFile } from './config.js';
import { configJsonSchema } from './config-json-schema.js';
import { RelayError } from './errors.js';
import { generateOperatorKey, hashOperatorKey } from './operator-key.js';

// The commands of `conduit-relay` that start no server (`key`, `schema`, `check`): each writes
// its answer and returns an exit code, so tests run them in-process (cli.ts dispatches).

/** Streams a command writes to. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
}

/** The key hash the examples use as a placeholder: the hash of no key, so it lets nobody in. */
export const PLACEHOLDER_KEY = `sha256:${'0'.repeat(64)}`;

/** Operator id and name of `key` when `--id` / `--name` are not given. */
export const DEFAULT_OPERATOR = { id: 'operator', name: 'Operator' } as const;

/**
 * `conduit-relay key [--id ID] [--name NAME]`: a new operator key, and the entry for
 * `sites[].operators` with its hash, ready to paste. The id and name are checked by the config
 * schema itself, so an entry printed here is one the relay accepts. Exit 0, or 2 on a bad id/name.
 * @example keyCommand({ id: 'ada', name: 'Ada' }, io) // prints ck_… and { "id": "ada", … }
 */
export function keyCommand(
  options: { id?: string | undefined; name?: string | undefined },
  io: CommandIo,
): number {
  const key = generateOperatorKey();
  const entry = {
    id: options.id ?? DEFAULT_OPERATOR.id,
    name: options.name ?? DEFAULT_OPERATOR.name,
    key: hashOperatorKey(key),
  };
  // The smallest config around the entry: only the entry's own issues can appear.
  const probe = configSchema.safeParse({
    sites: [{ id: 'probe', name: 'Probe', origins: ['https://probe.example'], operators: [entry] }],
  });
  if (!probe.success) {
    const lines = probe.error.issues
      .filter((i) => i.path[0] === 'sites' && i.path[2] === 'operators')
      .map((i) => `--${String(i.path[4])}: ${i.message}`);
    io.stderr.write(`conduit-relay key: ${lines.join('\n') || probe.error.message}\n`);
    return 2;
  }
  const line = `{ "id": ${JSON.stringify(entry.id)}, "name": ${JSON.stringify(entry.name)}, "key": "${entry.key}" }`;
  io.stdout.write(
    `Operator key (give it to ${entry.name}; it is shown only now):\n  ${key}\n` +
      `Entry for sites[].operators (the relay keeps only the hash):\n  ${line}\n`,
  );
  return 0;
}

/** `conduit-relay schema`: the config file's JSON Schema on stdout. Exit 0. */
export function schemaCommand(io: CommandIo): number {
  io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}

/**
 * `conduit-relay check --config FILE`: validates the file as the relay would load it (with the
 * `CONDUIT_*` environment applied) without starting anything. Valid: one summary line on stdout,
 * exit 0, plus a warning on stderr for each placeholder key left from an example and each
 * public webhook over plain http. Invalid or
 * unreadable: every issue as `path: message` on stderr, exit 1.
 */
export function checkCommand(file: string | undefined, env: ConfigEnv, io: CommandIo): number {
  if (!file) {
    io.stderr.write('conduit-relay check: --config FILE is required\n');
    return 2;
  }
  try {
    const config = loadConfigFile(file, env);
    const operators = config.sites.reduce((n, site) => n + site.operators.length, 0);
    config.sites.forEach((site, i) => {
      site.operators.forEach((op, j) => {
        if (op.key !== PLACEHOLDER_KEY) return;
        io.stderr.write(
          `warning: sites.${i}.operators.${j}.key: a placeholder that matches no key ` +
            `(conduit-relay key --id ${op.id} --name ${JSON.stringify(op.name)} makes one)\n`,
        );
      });
      // The signature proves who sent a webhook but does not hide it: a transcript over plain
      // http is readable on the way. Only an internal receiver (allowPrivate) is let off.
      site.webhooks.forEach((hook, j) => {
        if (hook.allowPrivate || !hook.url.startsWith('http:')) return;
        io.stderr.write(
          `warning: sites.${i}.webhooks.${j}.url: http:// sends events unencrypted (use https://)\n`,
        );
      });
    });
    io.stdout.write(
      `${file}: valid (${config.sites.length} site(s), ${operators} operator(s), ` +
        `mail: ${config.mail.transport}, listens on ${config.host}:${config.port}` +
        `${config.tls ? ' with TLS' : ''})\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof RelayError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 1;
  }
}
