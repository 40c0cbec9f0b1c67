#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Dispatcher } from '@conduit-chat/mail';
import { checkCommand, keyCommand, schemaCommand } from './cli-commands.js';
import {
  applyEnv,
  type ConfigEnv,
  envSources,
  parseConfig,
  type RelayConfig,
  readConfigFile,
} from './config.js';
import type { EnvSources } from './config-issues.js';
import { demoConfig } from './demo-config.js';
import { RelayError } from './errors.js';
import { createLogger } from './logger.js';
import { createRelayDispatcher } from './mail-dispatcher.js';
import { type Relay, startRelay } from './relay.js';
import { relayVersion } from './version.js';

// `conduit-relay`: the command line (the relay README, "Config" and "CLI"). `main` is exported so
// that tests run it in-process; the bottom of the file runs it when executed as a program.

/** Exit code when shutdown dropped mail jobs (`shutdown.drainMs` passed first; issue #12.4). */
export const EXIT_MAIL_DROPPED = 3;

/** Usage text of `conduit-relay --help`. */
export const USAGE = `Usage: conduit-relay [options]
       conduit-relay key [--id ID] [--name NAME]
       conduit-relay check --config FILE
       conduit-relay schema

Runs the Conduit relay. Without --config it runs the embedded demo (site "demo", a fresh
operator key printed at start, mail to the log, demo page at /demo/).

Options:
  --config FILE         JSON configuration (see the relay README)
  --port N              listen port (env CONDUIT_PORT; default 8080)
  --host H              listen address (env CONDUIT_HOST; default 0.0.0.0, demo 127.0.0.1)
  --transport uws|ws    socket implementation (default uws; falls back to ws if it cannot load)
  --dev                 development: the log mail transport prints message content
  --public-url URL      the relay's public URL (config publicUrl); with the demo, its origin
                        is a demo origin too ("npm run dev" passes the dev server's)
  (SIGHUP reloads --config: operator keys, origins, canned responses, mail recipients)
  --help                this text
  --version             print the relay's version

Commands:
  key                   print a new operator key and its sites[].operators entry (with
                        --id and --name; the config keeps only the key's hash)
  check                 validate --config FILE and print every issue as path: message
                        (exit 0 when valid, 1 when not); starts nothing
  schema                print the JSON Schema of the config file

Environment: CONDUIT_PORT, CONDUIT_HOST, CONDUIT_SMTP_URL, CONDUIT_REDIS_URL.

Exit codes: 0 stopped cleanly, 1 could not start (or failed), 2 bad arguments,
3 stopped but mail was still queued at shutdown.drainMs and was dropped.
`;

/** Where `main` writes and what it reads. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: ConfigEnv;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (off in tests). */
  signals: boolean;
}

/** Outcome of `main`: an exit code, and the running relay when one was started. */
export interface CliResult {
  code: number;
  relay?: Relay;
  /** The demo operator key, when the demo runs. */
  demoKey?: string;
}

function resolveConfig(
  values: {
    config?: string | undefined;
    port?: string | undefined;
    host?: string | undefined;
    transport?: string | undefined;
    dev?: boolean | undefined;
    'public-url'?: string | undefined;
  },
  env: ConfigEnv,
): { config: RelayConfig; demoKey?: string } {
  const cli: Record<string, unknown> = {};
  // An error names where the value came from: the flag, else the variable, else the file path.
  const flags: EnvSources = {};
  if (values.port !== undefined) {
    cli.port = Number(values.port);
    flags.port = '--port';
  }
  if (values.host !== undefined) {
    cli.host = values.host;
    flags.host = '--host';
  }
  if (values.transport !== undefined) {
    cli.transport = values.transport;
    flags.transport = '--transport';
  }
  if (values.dev) cli.dev = true;
  if (values['public-url'] !== undefined) {
    cli.publicUrl = values['public-url'];
    flags.publicUrl = '--public-url';
  }
  if (values.config) {
    const raw = applyEnv(readConfigFile(values.config), env);
    return { config: parseConfig({ ...raw, ...cli }, { ...envSources(env), ...flags }) };
  }
  const port = Number(values.port ?? env.CONDUIT_PORT ?? 8080);
  const demo = demoConfig(Number.isFinite(port) ? port : 8080);
  const demoEnv = { ...env, CONDUIT_SMTP_URL: undefined };
  const raw = applyEnv(demo.config as Record<string, unknown>, demoEnv);
  return {
    config: parseConfig({ ...raw, ...cli }, { ...envSources(demoEnv), ...flags }),
    demoKey: demo.operatorKey,
  };
}

/** Runs the CLI with `argv` (without node and script). */
export async function main(argv: string[], io: CliIo): Promise<CliResult> {
  const write = (stream: Writable, text: string) => stream.write(text);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    write(io.stderr, `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return { code: 2 };
  }
  const { values, positionals } = parsed;
  if (values.help) {
    write(io.stdout, USAGE);
    return { code: 0 };
  }
  if (values.version) {
    write(io.stdout, `${relayVersion()}\n`);
    return { code: 0 };
  }
  if (positionals.length > 1) {
    write(io.stderr, `unexpected argument: ${positionals[1]}\n\n${USAGE}`);
    return { code: 2 };
  }
  if (positionals[0] === 'key') return { code: keyCommand(values, io) };
  if (positionals[0] === 'schema') return { code: schemaCommand(io) };
  if (positionals[0] === 'check') return { code: checkCommand(values.config, io.env, io) };
  if (values.id !== undefined || values.name !== undefined) {
    write(io.stderr, `--id and --name belong to the key command\n\n${USAGE}`);
    return { code: 2 };
  }
  if (positionals.length > 0) {
    write(io.stderr, `unknown command: ${positionals[0]}\n\n${USAGE}`);
    return { code: 2 };
  }
  let resolved: { config: RelayConfig; demoKey?: string };
  try {
    resolved = resolveConfig(values, io.env);
  } catch (error) {
    if (error instanceof RelayError) {
      write(io.stderr, `conduit-relay: ${error.message}\n`);
      return { code: 1 };
    }
    throw error;
  }
  const { config, demoKey } = resolved;
  const logger = createLogger('info', io.stdout);
  const dispatcher: Dispatcher = createRelayDispatcher(config, logger, (chunk) =>
    io.stdout.write(chunk),
  );
  let relay: Relay;
  try {
    const started = await startRelay(config, { dispatcher, logger });
    // The CLI owns the dispatcher: close it after the relay drained it.
    relay = {
      ...started,
      stats: started.stats,
      close: async () => {
        const result = await started.close();
        await dispatcher.close();
        return result;
      },
    };
  } catch (error) {
    await dispatcher.close();
    write(io.stderr, `conduit-relay: ${error instanceof Error ? error.message : String(error)}\n`);
    return { code: 1 };
  }
  if (demoKey) {
    // Behind a proxy (`npm run dev`) the pages are at the public URL, not at the relay's port.
    const base = config.publicUrl?.replace(/\/+$/, '') ?? `http://localhost:${relay.port}`;
    write(
      io.stderr,
      `\nConduit demo is running.\n` +
        `  Demo page:     ${base}/demo/\n` +
        `  Console:       ${base}/console/   (site: demo)\n` +
        `  Operator key:  ${demoKey}\n` +
        `Press Ctrl-C to stop.\n\n`,
    );
  } else {
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host;
    const base =
      config.publicUrl?.replace(/\/+$/, '') ??
      `${config.tls ? 'https' : 'http'}://${host}:${relay.port}`;
    write(
      io.stderr,
      `\nConduit relay is running (${config.sites.length} site(s)).\n` +
        `  Console:       ${base}/console/\n` +
        `  Widget:        ${base}/widget.js\n\n`,
    );
  }
  if (io.signals) {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void relay.close().then(
        (result) => process.exit(result.dropped > 0 ? EXIT_MAIL_DROPPED : 0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // SIGHUP re-reads --config: operator keys, origins, canned responses and recipients apply
    // at once; a revoked key's socket is closed (SECURITY.md B18). An invalid file changes nothing.
    process.on('SIGHUP', () => {
      if (!values.config) {
        logger.warn('SIGHUP ignored: the demo has no config file to reload');
        return;
      }
      try {
        const result = relay.reload(resolveConfig(values, io.env).config);
        if (result.restartNeeded.length > 0) {
          logger.warn({ changes: result.restartNeeded }, 'some changes need a restart');
        }
      } catch (error) {
        logger.error(
          { code: error instanceof RelayError ? error.code : 'unknown' },
          'reload failed: the running configuration is unchanged',
        );
        if (error instanceof RelayError) write(io.stderr, `conduit-relay: ${error.message}\n`);
      }
    });
  }
  return demoKey ? { code: 0, relay, demoKey } : { code: 0, relay };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      transport: { type: 'string' },
      dev: { type: 'boolean' },
      'public-url': { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the CLI with the process's arguments, streams and signals (the `conduit-relay` bin). */
export function runCli(): void {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: true,
  }).then(
    (result) => {
      if (!result.relay) process.exit(result.code);
    },
    (error) => {
      process.stderr.write(
        `conduit-relay: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

if (isMain()) runCli();
