import { transportContract } from './test-transport-contract.js';
import { createWsTransport } from './ws-transport.js';

transportContract('ws', createWsTransport);
