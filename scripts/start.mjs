// `npm start`: build what is not built, then run the relay on the embedded demo config.
import { existsSync } from 'node:fs';

const relayCli = new URL('../packages/relay/src/cli.ts', import.meta.url);
if (!existsSync(relayCli)) {
  console.error(
    'Conduit: the relay is not built yet (issue #3). Only the protocol package exists;\n' +
      'run "npm test" to exercise it. "npm start" will run the relay, demo page and console.',
  );
  process.exit(1);
}
