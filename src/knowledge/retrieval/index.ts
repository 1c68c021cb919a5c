export { buildKnowledgeIndex } from './knowledge-index.js';
export type { FieldWeights, KnowledgeIndex, KnowledgeIndexEntry, KnowledgeIndexOptions, ScoredPassage } from './knowledge-index.js';
export { analyseWords, foldText, termOf } from './analyse-text.js';
export type { AnalysedWord } from './analyse-text.js';
export { americanSpelling } from './english-spelling.js';
export { stemEnglish } from './porter2-stemmer.js';
export { englishStopwords } from './stopwords.js';
export { builtInSynonyms } from './synonyms.js';
export { boundedEditDistance, FuzzyVocabulary } from './fuzzy-vocabulary.js';
