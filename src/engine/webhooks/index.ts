export * from './webhook-deliveries.js';
export * from './webhook-sender.js';
export * from './webhook-signature.js';
export * from './webhook-targets.js';
