export { seededRandom, shuffled } from './seeded-random.js';
export type { RandomSource } from './seeded-random.js';
export { kFolds, stratifiedSplit } from './split.js';
export type { StratifiedSplitOptions, TrainTestSplit } from './split.js';
