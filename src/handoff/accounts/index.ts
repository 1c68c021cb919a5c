export * from './agent-accounts.js';
export * from './passwords.js';
