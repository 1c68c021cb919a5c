import { startDemoServices } from '../src/demo/index.js';

/**
 * The demo orders service in a process of its own, standing in for the shop's order system on
 * another machine: Parley's turns pay for making the HTTP call, not for answering it.
 * Prints "demo services listening on http://127.0.0.1:PORT" once ready.
 */
const services = await startDemoServices({ seedFile: 'bots/shop/data/orders.yaml' });
process.stdout.write(`demo services listening on ${services.url}\n`);
const stop = (): void => void services.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
