export * from './config.js';
export * from './runtime.js';
export * from './turn-engine.js';
export * from './delivery-worker.js';
export * from './message-history.js';
export * from './api-keys.js';
export * from './secrets.js';
export * from './logger.js';
