import { readFileSync } from 'node:fs';
import { parseSender, WEBHOOK_EVENTS } from '@conduit-chat/mail';
import { isEmail, LIMITS } from '@conduit-chat/protocol';
import { relayReady, widgetSettings } from '@conduit-chat/protocol/schema';
import { z } from 'zod';
import { businessHours } from './business-hours.js';
import { PROXY_RANGE_NAMES, validProxyEntry } from './client-address.js';
import { type EnvSources, formatIssues } from './config-issues.js';
import { RelayError } from './errors.js';

// The relay's configuration contract (the relay README, "Config" and "CLI"): every field but `sites`
// has a default; a file is validated with safeParse and every issue is reported. Objects are
// strict: a misspelled key (`trancripts`, `TLS`) would otherwise switch a feature off in silence.

const email = z.string().refine(isEmail, 'must be a plain address like name@example.com');
const recipients = z.strictObject({ to: z.array(email).min(1).max(20) });
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');
const displayName = z.string().trim().min(1).max(LIMITS.nameChars);

/** An exact origin: `scheme://host[:port]`, http or https, nothing after it. */
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'must be an exact origin like https://www.example.com (no path, no trailing slash)');

const operator = z.strictObject({
  id,
  name: displayName,
  key: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" + 64 lower-case hex (conduit-relay key)'),
});

/** A signed webhook (packages/mail README "Webhooks"): where, with which secret, for what. */
const webhook = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .refine((v) => {
      const url = new URL(v);
      return !url.username && !url.password;
    }, 'must not carry a user or password (the signature authenticates)'),
  secret: z.string().min(16).max(256),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  /** Private, loopback and link-local addresses are refused unless allowed (SSRF). */
  allowPrivate: z.boolean().default(false),
});

const site = z
  .strictObject({
    id,
    name: displayName,
    origins: z.array(origin).min(1),
    operators: z.array(operator).default([]),
    transcripts: recipients.optional(),
    offline: recipients.optional(),
    webhooks: z.array(webhook).max(10).default([]),
    /** When the widget connects: on first open (default) or on page load (visitor monitoring). */
    connect: z.enum(['on-open', 'on-load']).default('on-open'),
    anonymizeIp: z.boolean().default(true),
    /** Keep query strings of page URLs (they may carry personal data, so off by default). */
    keepQuery: z.boolean().default(false),
    preChat: z.enum(['off', 'optional', 'required']).default('off'),
    widget: widgetSettings
      .pick({ color: true, position: true, greeting: true, theme: true, logo: true })
      .strict()
      .prefault({}),
    canned: z.array(relayReady.shape.canned.element.strict()).max(200).default([]),
    /**
     * Signed visitor identities (issue #15): the site's server passes the widget
     * `HMAC-SHA256(secret, userId)`; the relay checks it. The secret never leaves the relay.
     */
    identity: z
      .strictObject({
        secret: z.string().min(32, 'must be at least 32 characters').max(1024),
        required: z.boolean().default(false),
      })
      .optional(),
    /**
     * Business hours (issue #16): outside them visitors see the site offline (the offline
     * form) even with operators connected. Absent: always open.
     */
    hours: businessHours.optional(),
  })
  .superRefine((s, ctx) => {
    // Required identities refuse every unsigned `info`, and the pre-chat form sends exactly
    // that: the form could never be submitted.
    if (s.identity?.required && s.preChat !== 'off') {
      ctx.addIssue({
        code: 'custom',
        path: ['preChat'],
        message: 'must be "off" when identity.required is true (the form cannot sign)',
      });
    }
    const seen = new Set<string>();
    s.operators.forEach((op, i) => {
      if (seen.has(op.id)) {
        ctx.addIssue({ code: 'custom', path: ['operators', i, 'id'], message: 'duplicate id' });
      }
      seen.add(op.id);
    });
  });

const mail = z.union([
  z.strictObject({ transport: z.literal('log') }),
  z.strictObject({
    transport: z.literal('smtp').default('smtp'),
    from: z
      .string()
      .max(200)
      .refine((v) => parseSender(v) !== undefined, 'must be "Name <address>" or an address')
      .default('Conduit <noreply@conduit.invalid>'),
    smtp: z.url({ protocol: /^smtps?$/ }),
  }),
]);

/** Session limits (see README "Limits"). */
const session = z.strictObject({
  graceMs: z.number().int().min(0).max(3_600_000).default(10_000),
  historyCap: z.number().int().min(1).max(100_000).default(500),
  maxPerSite: z.number().int().min(1).default(1000),
});

/** Connection limits (see README "Limits"). */
const limits = z.strictObject({
  handshakeTimeoutMs: z.number().int().min(10).default(10_000),
  idleTimeoutSec: z.number().min(0).max(960).default(60),
  connectionsPerAddress: z.number().int().min(1).default(20),
  rate: z.number().positive().default(10),
  burst: z.number().int().min(1).default(40),
  /** Operators (authenticated staff) resync many chats at once after a reconnect. */
  operatorRate: z.number().positive().default(50),
  operatorBurst: z.number().int().min(1).default(500),
  /**
   * Typing and page frames have their own bucket per connection: a fast typist's indicators
   * never eat the message budget; the excess is dropped silently (issue #12, item 2).
   */
  typingRate: z.number().positive().default(5),
  typingBurst: z.number().int().min(1).default(10),
  floodClose: z.number().int().min(1).default(100),
  badFrames: z.number().int().min(1).default(10),
  maxBackpressureBytes: z
    .number()
    .int()
    .min(16 * 1024)
    .default(256 * 1024),
  pagesCap: z.number().int().min(1).default(50),
  /** Minimum gap between two operator upserts caused by a visitor's page changes. */
  pageUpsertMs: z.number().int().min(0).default(1000),
  /** Offline messages per client address, `offline` frame and POST together (issue #12.1). */
  offlineBurst: z.number().int().min(1).default(5),
  /** One more offline message per address every this many ms once the burst is spent. */
  offlineRefillMs: z.number().int().min(1).default(10_000),
  /** Moved to `shutdown.drainMs`: refused by name, so an old file does not lose its value silently. */
  shutdownDrainMs: z.never({ error: 'moved to shutdown.drainMs' }).optional(),
});

/** Shutdown (see README "Limits"). */
/**
 * Which peers may set the client address through `X-Forwarded-For` (README "Configuration"):
 * `true` for one proxy in front, or the addresses, CIDR ranges and proxy-addr's range names
 * of every proxy of ours.
 */
const trustProxy = z.union([
  z.boolean(),
  z
    .array(
      z
        .string()
        .refine(
          validProxyEntry,
          `must be an IP address, a CIDR range like 10.0.0.0/8, or one of ${PROXY_RANGE_NAMES.join(', ')}`,
        ),
    )
    .min(1),
]);

const shutdown = z.strictObject({
  /** How long shutdown waits for the mail queue; what is left then is dropped (exit code 3). */
  drainMs: z.number().int().min(0).default(10_000),
});

/** The relay configuration schema; `z.input` is what a file holds, `z.output` what runs. */
export const configSchema = z
  .strictObject({
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65_535).default(8080),
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    transport: z.enum(['uws', 'ws']).default('uws'),
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    trustProxy: trustProxy.default(false),
    sites: z.array(site).min(1),
    mail: mail.prefault({ transport: 'log' }),
    session: session.prefault({}),
    limits: limits.prefault({}),
    shutdown: shutdown.prefault({}),
    cluster: z
      .strictObject({
        redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
        /** How long a node waits for the owner's answer to a claim (README "Handover"). */
        claimTimeoutMs: z.number().int().min(10).max(60_000).default(1000),
        /** On SIGTERM, how long detached sessions wait to be claimed by another node. */
        handoverMs: z.number().int().min(0).max(600_000).default(10_000),
        /** Heartbeat period; a node silent for 3 periods is taken for dead (SIGKILL). */
        heartbeatMs: z.number().int().min(50).max(60_000).default(2000),
      })
      .prefault({}),
    /** IP geolocation: the embedded country database always; a city mmdb file when given. */
    geo: z.strictObject({ cityDb: z.string().min(1).optional() }).prefault({}),
    /** Demo mode: serve /demo/ and allow the listening address as an origin of site `demo`. */
    demo: z.boolean().default(false),
    /** Development: the log mail transport prints content. */
    dev: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.sites.forEach((s, i) => {
      if (seen.has(s.id)) {
        ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: 'duplicate site id' });
      }
      seen.add(s.id);
    });
  });

/** A validated configuration, every default filled in. */
export type RelayConfig = z.output<typeof configSchema>;
/** A configuration as written in a file or passed to `startRelay`. */
export type RelayConfigInput = z.input<typeof configSchema>;
/** One site of the configuration. */
export type SiteConfig = RelayConfig['sites'][number];

/**
 * Validates `input`; throws `RelayError('config_invalid')` listing every issue as `path: message`
 * (an unknown key with the nearest known one; a value from `sources` by its variable's name).
 */
export function parseConfig(input: unknown, sources: EnvSources = {}): RelayConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = formatIssues(configSchema, result.error.issues, sources);
  throw new RelayError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
}

/** Environment variables that override the file (docs/architecture.md). */
export interface ConfigEnv {
  CONDUIT_PORT?: string | undefined;
  CONDUIT_HOST?: string | undefined;
  CONDUIT_SMTP_URL?: string | undefined;
  CONDUIT_REDIS_URL?: string | undefined;
}

/** Which config paths the set `CONDUIT_*` variables override, for error messages. */
export function envSources(env: ConfigEnv): EnvSources {
  const sources: EnvSources = {};
  if (env.CONDUIT_PORT !== undefined && env.CONDUIT_PORT !== '') sources.port = 'CONDUIT_PORT';
  if (env.CONDUIT_HOST) sources.host = 'CONDUIT_HOST';
  if (env.CONDUIT_SMTP_URL) sources['mail.smtp'] = 'CONDUIT_SMTP_URL';
  if (env.CONDUIT_REDIS_URL) sources['cluster.redisUrl'] = 'CONDUIT_REDIS_URL';
  return sources;
}

/** Applies `CONDUIT_*` overrides to a raw config object (before validation). */
export function applyEnv(raw: Record<string, unknown>, env: ConfigEnv): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (env.CONDUIT_PORT !== undefined && env.CONDUIT_PORT !== '') {
    const port = Number(env.CONDUIT_PORT);
    out.port = Number.isFinite(port) ? port : env.CONDUIT_PORT;
  }
  if (env.CONDUIT_HOST) out.host = env.CONDUIT_HOST;
  if (env.CONDUIT_SMTP_URL) {
    const mailRaw = isRecord(raw.mail) && raw.mail.transport !== 'log' ? raw.mail : {};
    out.mail = { ...mailRaw, smtp: env.CONDUIT_SMTP_URL };
  }
  if (env.CONDUIT_REDIS_URL) {
    out.cluster = {
      ...(isRecord(raw.cluster) ? raw.cluster : {}),
      redisUrl: env.CONDUIT_REDIS_URL,
    };
  }
  return out;
}

/** Reads a JSON config file, applies env overrides and validates it. */
export function loadConfigFile(file: string, env: ConfigEnv = process.env): RelayConfig {
  return parseConfig(applyEnv(readConfigFile(file), env), envSources(env));
}

/** Reads a JSON config file as an object, unvalidated (`config_unreadable` when it cannot). */
export function readConfigFile(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RelayError('config_unreadable', `cannot read ${file}: ${reason}`, error);
  }
  if (!isRecord(raw))
    throw new RelayError('config_invalid', 'invalid configuration:\n(root): must be an object');
  // `$schema` only tells an editor where the JSON Schema is (config-json-schema.ts).
  const { $schema: _schema, ...settings } = raw;
  return settings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
