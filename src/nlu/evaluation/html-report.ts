import type { EvaluationReport } from './evaluate.js';
import { escapeHtml } from './escape-html.js';
import { f1BarChart, sweepSeries, thresholdSweepChart, worstFirst } from './svg-charts.js';

export interface ReportMeta {
  readonly title: string;
  readonly dataset: string;
  readonly model: string;
  /** When the evaluation ran; injected so a report is reproducible. */
  readonly createdAt: string | Date;
}

const styles = `
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --panel: #f5f7fa;
  --in-scope: #2563eb; --oos-recall: #d97706; --oos-precision: #059669; --accuracy: #6b7280;
  --good: #16a34a; --fair: #ca8a04; --poor: #dc2626; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1040px; padding: 24px; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0; }
.meta span + span::before { content: " · "; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; margin: 20px 0 0; }
.headline div { background: var(--panel); border-radius: 6px; padding: 10px 12px; }
.headline dt { color: var(--muted); font-size: 12px; }
.headline dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.number, th.number { text-align: right; }
tr.model-threshold td { font-weight: 600; background: #eef2ff; }
.examples { color: var(--muted); font-size: 12px; margin: 0; padding-left: 16px; }
.note { color: var(--muted); font-size: 12px; }
.chart { max-width: 100%; height: auto; display: block; }
.chart text { font-size: 11px; fill: var(--ink); }
.chart .tick, .chart .bar-value { fill: var(--muted); }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart .series { fill: none; stroke-width: 2; }
.chart .series-in-scope { stroke: var(--in-scope); fill: var(--in-scope); }
.chart .series-oos-recall { stroke: var(--oos-recall); fill: var(--oos-recall); }
.chart .series-oos-precision { stroke: var(--oos-precision); fill: var(--oos-precision); }
.chart .series-accuracy { stroke: var(--accuracy); fill: var(--accuracy); stroke-dasharray: 5 3; }
.chart path.series, .chart line.series { fill: none; }
.chart .model-threshold line { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 3 3; }
.chart .bar-track { fill: var(--panel); }
.chart .bar-good { fill: var(--good); }
.chart .bar-fair { fill: var(--fair); }
.chart .bar-poor { fill: var(--poor); }
`;

/**
 * One self-contained HTML page: inline CSS and inline SVG, no script and no external resource,
 * so it can be archived or mailed as it is. Every text that comes from the data or the meta is
 * escaped.
 */
export function renderHtmlReport(report: EvaluationReport, meta: ReportMeta): string {
  const createdAt = typeof meta.createdAt === 'string' ? meta.createdAt : meta.createdAt.toISOString();
  const text = escapeHtml;
  const headline: [string, string][] = [
    ['In-scope accuracy', percent(report.inScopeAccuracy)],
    ['Accuracy (oos as a class)', percent(report.accuracy)],
    ['Macro-F1 (in-scope)', percent(report.macroF1)],
    ['OOS recall', percent(report.oosRecall)],
    ['OOS precision', percent(report.oosPrecision)],
    ['Threshold', String(report.threshold)],
    ['Best-accuracy threshold', String(report.bestAccuracyThreshold)],
    ['Predict p50', milliseconds(report.predictP50Ms)],
    ['Predict p99', milliseconds(report.predictP99Ms)],
    ['Test items', `${report.counts.items}`],
    ['In-scope / oos items', `${report.counts.inScope} / ${report.counts.outOfScope}`],
    ['Intents', `${report.counts.intents}`],
  ];

  const sweepRows = report.thresholdSweep.map(
    (entry) =>
      `<tr${entry.isModelThreshold ? ' class="model-threshold"' : ''}><td class="number">${text(String(entry.threshold))}${entry.isModelThreshold ? ' (classifier)' : ''}</td>` +
      sweepSeries.map((series) => `<td class="number">${percent(entry[series.key])}</td>`).join('') +
      '</tr>',
  );
  const intentRows = worstFirst(report.perIntent).map(
    (row) =>
      `<tr><td>${text(row.intent)}</td><td class="number">${fixed(row.precision)}</td><td class="number">${fixed(row.recall)}</td>` +
      `<td class="number">${fixed(row.f1)}</td><td class="number">${row.support}</td><td class="number">${row.predicted}</td></tr>`,
  );
  const pairRows = report.confusedPairs.map(
    (pair) =>
      `<tr><td>${text(pair.gold)}</td><td>${text(pair.predicted)}</td><td class="number">${pair.count}</td>` +
      `<td><ul class="examples">${pair.examples.map((example) => `<li>${text(example)}</li>`).join('')}</ul></td></tr>`,
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(meta.title)}</title>
<style>${styles}</style>
</head>
<body>
<header>
<h1>${text(meta.title)}</h1>
<p class="meta"><span>Dataset: ${text(meta.dataset)}</span><span>Model: ${text(meta.model)}</span><span>Created: ${text(createdAt)}</span></p>
</header>
<main>
<section>
<dl class="headline">
${headline.map(([name, value]) => `<div><dt>${text(name)}</dt><dd>${text(value)}</dd></div>`).join('\n')}
</dl>
<p class="note">Measured at the classifier's threshold. In-scope accuracy counts an in-scope item decided out of scope as wrong; oos precision and recall are n/a when the test data hold no oos item. The best-accuracy threshold is chosen on these same test items, so it is an optimistic reference.</p>
</section>
<section>
<h2>Threshold sweep</h2>
${thresholdSweepChart(report.thresholdSweep, report.threshold)}
<table class="sweep">
<thead><tr><th class="number">Threshold</th>${sweepSeries.map((series) => `<th class="number">${text(series.label)}</th>`).join('')}</tr></thead>
<tbody>
${sweepRows.join('\n')}
</tbody>
</table>
</section>
<section>
<h2>F1 per intent, worst first</h2>
${f1BarChart(report.perIntent)}
</section>
<section>
<h2>Per intent</h2>
<table class="per-intent">
<thead><tr><th>Intent</th><th class="number">Precision</th><th class="number">Recall</th><th class="number">F1</th><th class="number">Support</th><th class="number">Predicted</th></tr></thead>
<tbody>
${intentRows.join('\n')}
</tbody>
</table>
</section>
<section>
<h2>Most confused pairs</h2>
${
  pairRows.length === 0
    ? '<p class="note">No mistakes.</p>'
    : `<table class="confused-pairs">
<thead><tr><th>Gold</th><th>Predicted</th><th class="number">Count</th><th>Examples</th></tr></thead>
<tbody>
${pairRows.join('\n')}
</tbody>
</table>`
}
</section>
</main>
</body>
</html>
`;
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function fixed(value: number): string {
  return value.toFixed(3);
}

function milliseconds(value: number): string {
  return `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
}
