export { readJsonlExamples } from './jsonl-examples.js';
export { readRasaNluYaml } from './rasa-nlu-yaml.js';
export type { ExampleEntityAnnotation, RasaLookup, RasaNluData, RasaRegex, RasaSynonym } from './rasa-nlu-yaml.js';
export { stripEntityAnnotations } from './entity-annotations.js';
export type { EntityAnnotation, StrippedExample } from './entity-annotations.js';
export { examplesFromBot } from './bot-examples.js';
export { checkBotTrainingData, checkTrainingData, imbalanceRatioLimit } from './check-training-data.js';
export type { CheckTrainingDataOptions, TrainingDataProblem, TrainingDataProblemCode } from './check-training-data.js';
export { listedProblemLimit } from './source-problems.js';
