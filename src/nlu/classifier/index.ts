export { trainIntentClassifier, trainIntentClassifierInBackground, modelHash, type TrainOptions } from './train-intent-classifier.js';
export { classifierFromData, type IntentModelData, type TrainedIntentClassifier } from './trained-classifier.js';
export { encodeModel, decodeModel } from './model-codec.js';
export { defaultClassifierSettings, supportedLanguages, type ClassifierSettings } from './classifier-settings.js';
export { patternOnlyClassifier } from './pattern-only-classifier.js';
