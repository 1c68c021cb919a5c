export { createOpenAiCompatibleIntentProvider } from './openai-compatible.js';
export type { OpenAiCompatibleIntentProviderOptions } from './openai-compatible.js';
export { buildSystemPrompt, readChatAnswer, examplesPerIntent } from './intent-prompt.js';
export type { ChatIntentAnswer } from './intent-prompt.js';
export { createJsonHttpClient, defaultSleep, describeEndpoint, redactSecrets, retryAfterMilliseconds } from './json-http-client.js';
export type { JsonHttpClient, JsonHttpClientOptions, Sleep } from './json-http-client.js';
export { centroid, cosine, norm, normalise } from './vectors.js';
export type { Vector } from './vectors.js';
