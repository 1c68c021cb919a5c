export * from './dialogue-engine.js';
export * from './templates.js';
export * from './response-picker.js';
export * from './rich-elements.js';
