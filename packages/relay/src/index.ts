// Public API of @conduit-chat/relay.
export type { ConfigEnv, RelayConfig, RelayConfigInput, SiteConfig } from './config.js';
export { applyEnv, configSchema, loadConfigFile, parseConfig } from './config.js';
export type { ReloadResult } from './config-reload.js';
export type { DemoConfig } from './demo-config.js';
export { DEMO_SITE_ID, demoConfig } from './demo-config.js';
export type { RelayErrorCode } from './errors.js';
export { RELAY_ERROR_CODE_LIST, RELAY_ERROR_CODES, RelayError } from './errors.js';
export type { LogLevel } from './logger.js';
export { createLogger } from './logger.js';
export { createRelayDispatcher } from './mail-dispatcher.js';
export { generateOperatorKey, hashOperatorKey, matchOperatorKey } from './operator-key.js';
export type { CloseResult, Relay, RelayDeps, RelayStats } from './relay.js';
export { startRelay } from './relay.js';
export type { SessionState, SessionStoreStats } from './session-store.js';
export type { AssetDirs } from './static-assets.js';
export type { TechLookup } from './tech.js';
export { createTechLookup } from './tech.js';
export type { TransportName } from './transport/transport.js';
