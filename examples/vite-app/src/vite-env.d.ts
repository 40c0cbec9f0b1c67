/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Conduit relay (default http://localhost:8080, see examples/README.md). */
  readonly VITE_CONDUIT_RELAY?: string;
  /** Site id in the relay config (default `example`). */
  readonly VITE_CONDUIT_SITE?: string;
}
