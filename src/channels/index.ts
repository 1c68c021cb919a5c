export * from './rest-channel.js';
