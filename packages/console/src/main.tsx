// The Vite entry of the console page: the only module with side effects on import.
import { render } from 'preact';
import { createConsoleController } from './console-controller.js';
import { createNotifier } from './notifier.js';
import { App } from './views/app.js';
import './console.css';

const controller = createConsoleController({
  endpoint: (site) =>
    `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/operator?site=${encodeURIComponent(site)}`,
  storage: sessionStorage,
  notifier: createNotifier(),
});
controller.resume();
const root = document.getElementById('app');
if (root) render(<App controller={controller} />, root);
