import { createLocalBus, createLocalNetwork } from './local-bus.js';
import { busContract } from './test-bus-contract.js';

const network = createLocalNetwork();
busContract('local', async (handlers) => createLocalBus(network, handlers));
