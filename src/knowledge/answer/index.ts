export * from './knowledge-answerer.js';
export { checkGeneratedAnswer } from './answer-guard.js';
export { answerPrompt, defaultSystemPrompt } from './answer-prompt.js';
export { answeringSentences } from './sentences.js';
