export * from './static-connector.js';
