export * from '../sampling/index.js';
export { confusedPairLimit, defaultSweepThresholds, evaluate } from './evaluate.js';
export type {
  ConfusedPair,
  EvaluateOptions,
  EvaluationCounts,
  EvaluationReport,
  IntentMetrics,
  SweepEntry,
  ThresholdMetrics,
} from './evaluate.js';
export { crossValidate, evaluateWithTrainer } from './cross-validate.js';
export type { CrossValidationReport, FoldResult, HeadlineMetrics, TrainedEvaluation, Trainer } from './cross-validate.js';
export { renderHtmlReport } from './html-report.js';
export type { ReportMeta } from './html-report.js';
export { escapeHtml } from './escape-html.js';
