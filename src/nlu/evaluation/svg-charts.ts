import type { IntentMetrics, SweepEntry } from './evaluate.js';
import { escapeHtml } from './escape-html.js';

/**
 * Inline SVG charts for the HTML report, drawn from numbers only: no script, no external resource.
 * Colours come from CSS classes in the report's style sheet. Every text taken from data is escaped.
 */

export interface SweepSeries {
  readonly key: 'inScopeAccuracy' | 'oosRecall' | 'oosPrecision' | 'accuracy';
  readonly label: string;
  /** CSS class of the line (and its legend swatch). */
  readonly className: string;
}

export const sweepSeries: readonly SweepSeries[] = [
  { key: 'inScopeAccuracy', label: 'in-scope accuracy', className: 'series-in-scope' },
  { key: 'oosRecall', label: 'oos recall', className: 'series-oos-recall' },
  { key: 'oosPrecision', label: 'oos precision', className: 'series-oos-precision' },
  { key: 'accuracy', label: 'accuracy (oos as a class)', className: 'series-accuracy' },
];

const number = (value: number): string => String(Math.round(value * 100) / 100);

/** Metrics (0–1) against the threshold (0–1), one line per series; the classifier's threshold is marked. */
export function thresholdSweepChart(sweep: readonly SweepEntry[], modelThreshold: number): string {
  const width = 640;
  const height = 340;
  const left = 48;
  const right = 16;
  const top = 16;
  const bottom = 84;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (threshold: number): number => left + Math.min(1, Math.max(0, threshold)) * plotWidth;
  const y = (value: number): number => top + (1 - value) * plotHeight;
  const parts: string[] = [];

  for (let step = 0; step <= 4; step += 1) {
    const value = step / 4;
    parts.push(
      `<line class="grid" x1="${left}" y1="${number(y(value))}" x2="${left + plotWidth}" y2="${number(y(value))}" />`,
      `<text class="tick" x="${left - 6}" y="${number(y(value) + 4)}" text-anchor="end">${value * 100}%</text>`,
    );
  }
  for (let step = 0; step <= 5; step += 1) {
    const value = step / 5;
    parts.push(
      `<line class="axis" x1="${number(x(value))}" y1="${top + plotHeight}" x2="${number(x(value))}" y2="${top + plotHeight + 4}" />`,
      `<text class="tick" x="${number(x(value))}" y="${top + plotHeight + 18}" text-anchor="middle">${value.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${left}" y1="${top + plotHeight}" x2="${left + plotWidth}" y2="${top + plotHeight}" />`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" />`,
    `<text class="axis-label" x="${left + plotWidth / 2}" y="${top + plotHeight + 36}" text-anchor="middle">threshold</text>`,
  );

  const marker = x(modelThreshold);
  parts.push(
    `<g class="model-threshold"><title>${escapeHtml(`classifier threshold ${modelThreshold}`)}</title>`,
    `<line x1="${number(marker)}" y1="${top}" x2="${number(marker)}" y2="${top + plotHeight}" />`,
    modelThreshold > 0.75
      ? `<text x="${number(marker - 4)}" y="${top + 12}" text-anchor="end">threshold ${escapeHtml(String(modelThreshold))}</text></g>`
      : `<text x="${number(marker + 4)}" y="${top + 12}">threshold ${escapeHtml(String(modelThreshold))}</text></g>`,
  );

  for (const series of sweepSeries) {
    let path = '';
    let drawing = false;
    for (const entry of sweep) {
      const value = entry[series.key];
      if (value === null) {
        drawing = false;
        continue;
      }
      path += `${drawing ? 'L' : 'M'}${number(x(entry.threshold))} ${number(y(value))} `;
      drawing = true;
    }
    if (path !== '') parts.push(`<path class="series ${series.className}" d="${path.trim()}"><title>${escapeHtml(series.label)}</title></path>`);
    const atModel = sweep.find((entry) => entry.isModelThreshold)?.[series.key];
    if (atModel !== undefined && atModel !== null) {
      parts.push(`<circle class="point ${series.className}" cx="${number(marker)}" cy="${number(y(atModel))}" r="3.5" />`);
    }
  }

  sweepSeries.forEach((series, index) => {
    const legendX = left + (index % 2) * 260;
    const legendY = top + plotHeight + 52 + Math.floor(index / 2) * 18;
    parts.push(
      `<line class="series ${series.className}" x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 22}" y2="${legendY - 4}" />`,
      `<text class="legend" x="${legendX + 28}" y="${legendY}">${escapeHtml(series.label)}</text>`,
    );
  });

  return [
    `<svg class="chart sweep-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Metrics against the out-of-scope threshold">`,
    '<title>Metrics against the out-of-scope threshold</title>',
    ...parts,
    '</svg>',
  ].join('\n');
}

/** One horizontal bar per intent, lowest F1 first. */
export function f1BarChart(perIntent: readonly IntentMetrics[]): string {
  const rows = worstFirst(perIntent);
  const width = 640;
  const rowHeight = 16;
  const labelWidth = 220;
  const valueWidth = 48;
  const top = 8;
  const barWidth = width - labelWidth - valueWidth;
  const height = top * 2 + Math.max(1, rows.length) * rowHeight;
  const parts = rows.map((row, index) => {
    const rowY = top + index * rowHeight;
    const label = row.intent.length > 32 ? `${row.intent.slice(0, 31)}…` : row.intent;
    const length = Math.max(0, Math.min(1, row.f1)) * barWidth;
    const tooltip = `${row.intent}: F1 ${row.f1.toFixed(3)}, precision ${row.precision.toFixed(3)}, recall ${row.recall.toFixed(3)}, support ${row.support}`;
    return [
      `<g class="bar-row"><title>${escapeHtml(tooltip)}</title>`,
      `<text class="bar-label" x="${labelWidth - 6}" y="${rowY + 12}" text-anchor="end">${escapeHtml(label)}</text>`,
      `<rect class="bar-track" x="${labelWidth}" y="${rowY + 2}" width="${barWidth}" height="${rowHeight - 4}" />`,
      `<rect class="bar ${barClass(row.f1)}" x="${labelWidth}" y="${rowY + 2}" width="${number(length)}" height="${rowHeight - 4}" />`,
      `<text class="bar-value" x="${labelWidth + barWidth + 4}" y="${rowY + 12}">${row.f1.toFixed(2)}</text></g>`,
    ].join('');
  });
  if (rows.length === 0) parts.push(`<text class="tick" x="${labelWidth}" y="${top + 12}">no in-scope intents</text>`);
  return [
    `<svg class="chart f1-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="F1 per intent, worst first">`,
    '<title>F1 per intent, worst first</title>',
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Lowest F1 first; ties by name. */
export function worstFirst(perIntent: readonly IntentMetrics[]): IntentMetrics[] {
  return [...perIntent].sort((a, b) => a.f1 - b.f1 || (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
}

function barClass(f1: number): string {
  if (f1 >= 0.9) return 'bar-good';
  if (f1 >= 0.7) return 'bar-fair';
  return 'bar-poor';
}
