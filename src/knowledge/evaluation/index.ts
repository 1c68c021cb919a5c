export { evaluateRetrieval, percentile, readQuestions } from './evaluate-retrieval.js';
export type { EvaluateRetrievalOptions, RetrievalEvaluation, RetrievalMiss, RetrievalQuestion } from './evaluate-retrieval.js';
