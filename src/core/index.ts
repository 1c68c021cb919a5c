export * from './errors.js';
export * from './events.js';
export * from './messages.js';
export * from './ports.js';
export * from './tracker.js';
export * from './runtime.js';
export * from './bot-definition.js';
export * from './environment.js';
export type * from './actions.js';
