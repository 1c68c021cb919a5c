// Charts as inline SVG: bar (grouped), line and pie. Every bar, point and slice is a focusable
// button with a tooltip on hover and focus; pressing it (click, Enter or Space) asks about that
// value ("Orders March: 12"). A visually hidden table carries the same data for screen readers.

import { h, s, uniqueId } from './dom.js';
import type { ChartData } from './types.js';

const WIDTH = 320;
const HEIGHT = 190;
const PAD = { top: 10, right: 10, bottom: 30, left: 40 };
const PALETTE_SIZE = 6;

/** A value with its unit: symbols stick to the number ("12%"), words get a space ("4 days"). */
export function withUnit(value: number, unit: string | undefined): string {
  const number = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (unit === undefined) return number;
  return /^\p{L}/u.test(unit) ? `${number} ${unit}` : `${number}${unit}`;
}

/** What pressing a value sends: `"<series> <label>: <value><unit>"`. */
export function pointMessage(chart: ChartData, seriesIndex: number, labelIndex: number): string {
  const series = chart.series[seriesIndex];
  const value = series?.values[labelIndex] ?? 0;
  return `${series?.name ?? ''} ${chart.labels[labelIndex] ?? ''}: ${withUnit(value, chart.unit)}`;
}

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
  return nice * magnitude;
}

interface Scale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  y(value: number): number;
}

function valueScale(chart: ChartData): Scale {
  const values = chart.series.flatMap((series) => series.values.filter(Number.isFinite));
  let low = Math.min(0, ...values);
  let high = Math.max(0, ...values);
  if (low === high) high = low + 1;
  const step = niceStep(high - low, 4);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = low; tick <= high + step / 2; tick += step) ticks.push(Math.round(tick * 1e6) / 1e6);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  return { min: low, max: high, ticks, y: (value) => PAD.top + plotHeight * (1 - (value - low) / (high - low)) };
}

function short(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

export interface ChartOptions {
  /** Called with the message a pressed value sends. */
  onSelect(text: string): void;
}

interface Mark {
  readonly element: SVGElement;
  readonly tip: string;
  readonly message: string;
}

export function renderChart(chart: ChartData, options: ChartOptions): HTMLElement {
  const kind = chart.type === 'bar' ? 'Bar chart' : chart.type === 'line' ? 'Line chart' : 'Pie chart';
  const name = chart.title ? `${kind}: ${chart.title}` : kind;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': name, class: 'parley-chart-svg', focusable: 'false' }, s('title', {}, name));
  const marks = chart.type === 'pie' ? drawPies(svg, chart) : drawAxes(svg, chart);

  const tooltip = h('div', { role: 'tooltip', id: uniqueId('tip'), class: 'parley-tooltip', hidden: true });
  const figure = h(
    'figure',
    { class: 'parley-chart' },
    chart.title ? h('figcaption', { class: 'parley-chart-title' }, chart.title) : null,
    h('div', { class: 'parley-chart-plot' }, svg, tooltip),
    legend(chart),
    table(chart),
  );

  const show = (mark: Mark) => {
    tooltip.textContent = mark.tip;
    tooltip.hidden = false;
    mark.element.setAttribute('aria-describedby', tooltip.id);
    const plot = tooltip.parentElement;
    if (!plot) return;
    const box = mark.element.getBoundingClientRect();
    const frame = plot.getBoundingClientRect();
    const x = box.left + box.width / 2 - frame.left;
    tooltip.style.left = `${Math.max(0, Math.min(frame.width, x))}px`;
    tooltip.style.top = `${Math.max(0, box.top - frame.top)}px`;
  };
  const hide = (mark: Mark) => {
    tooltip.hidden = true;
    mark.element.removeAttribute('aria-describedby');
  };
  for (const mark of marks) {
    const element = mark.element;
    element.setAttribute('tabindex', '0');
    element.setAttribute('role', 'button');
    element.setAttribute('aria-label', mark.tip);
    element.classList.add('parley-mark');
    element.addEventListener('pointerenter', () => show(mark));
    element.addEventListener('pointerleave', () => hide(mark));
    element.addEventListener('focus', () => show(mark));
    element.addEventListener('blur', () => hide(mark));
    element.addEventListener('click', () => options.onSelect(mark.message));
    element.addEventListener('keydown', (event) => {
      const key = (event as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        event.preventDefault();
        options.onSelect(mark.message);
      }
      if (key === 'Escape' && !tooltip.hidden) {
        event.stopPropagation();
        hide(mark);
      }
    });
  }
  return figure;
}

function drawAxes(svg: SVGSVGElement, chart: ChartData): Mark[] {
  const scale = valueScale(chart);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const count = chart.labels.length;
  const band = plotWidth / count;
  const axis = s('g', { class: 'parley-axis', 'aria-hidden': 'true' });
  for (const tick of scale.ticks) {
    const y = scale.y(tick);
    axis.append(
      s('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: tick === 0 ? 'parley-baseline' : 'parley-grid' }),
      s('text', { x: PAD.left - 4, y: y + 3, 'text-anchor': 'end' }, withUnit(tick, undefined)),
    );
  }
  const every = Math.ceil(count / 8);
  chart.labels.forEach((label, index) => {
    if (index % every !== 0) return;
    axis.append(s('text', { x: PAD.left + band * (index + 0.5), y: HEIGHT - PAD.bottom + 14, 'text-anchor': 'middle' }, short(label, Math.max(4, Math.floor((band * every) / 6)))));
  });
  svg.append(axis);

  const marks: Mark[] = [];
  const tipOf = (seriesIndex: number, labelIndex: number) => pointMessage(chart, seriesIndex, labelIndex);
  if (chart.type === 'bar') {
    const groups = chart.series.length;
    const barWidth = (band * 0.8) / groups;
    chart.series.forEach((series, seriesIndex) => {
      const layer = s('g', { class: `parley-series parley-c${seriesIndex % PALETTE_SIZE}` });
      series.values.forEach((value, labelIndex) => {
        if (!Number.isFinite(value)) return;
        const top = scale.y(Math.max(value, 0));
        const bottom = scale.y(Math.min(value, 0));
        const rect = s('rect', {
          x: PAD.left + band * labelIndex + band * 0.1 + barWidth * seriesIndex,
          y: top,
          width: Math.max(1, barWidth - 1),
          height: Math.max(1, bottom - top),
          rx: 2,
          'data-series': series.name,
          'data-label': chart.labels[labelIndex],
        });
        layer.append(rect);
        marks.push({ element: rect, tip: tipOf(seriesIndex, labelIndex), message: tipOf(seriesIndex, labelIndex) });
      });
      svg.append(layer);
    });
  } else {
    chart.series.forEach((series, seriesIndex) => {
      const layer = s('g', { class: `parley-series parley-c${seriesIndex % PALETTE_SIZE}` });
      const points = series.values.map((value, index) => ({ x: PAD.left + band * (index + 0.5), y: scale.y(value), value, index })).filter((point) => Number.isFinite(point.value));
      layer.append(s('polyline', { points: points.map((point) => `${point.x},${point.y}`).join(' '), class: 'parley-line', 'aria-hidden': 'true' }));
      for (const point of points) {
        const dot = s('circle', { cx: point.x, cy: point.y, r: 4.5, 'data-series': series.name, 'data-label': chart.labels[point.index] });
        layer.append(dot);
        marks.push({ element: dot, tip: tipOf(seriesIndex, point.index), message: tipOf(seriesIndex, point.index) });
      }
      svg.append(layer);
    });
  }
  return marks;
}

function drawPies(svg: SVGSVGElement, chart: ChartData): Mark[] {
  const marks: Mark[] = [];
  const count = chart.series.length;
  const slot = WIDTH / count;
  const radius = Math.min(slot / 2 - 8, (HEIGHT - (count > 1 ? 24 : 8)) / 2, 70);
  chart.series.forEach((series, seriesIndex) => {
    const cx = slot * (seriesIndex + 0.5);
    const cy = (HEIGHT - (count > 1 ? 20 : 0)) / 2;
    const values = series.values.map((value) => (Number.isFinite(value) && value > 0 ? value : 0));
    const total = values.reduce((sum, value) => sum + value, 0);
    const group = s('g', { class: 'parley-pie' });
    let angle = -Math.PI / 2;
    values.forEach((value, labelIndex) => {
      if (value === 0 || total === 0) return;
      const share = value / total;
      const sweep = share * Math.PI * 2;
      const className = `parley-slice parley-c${labelIndex % PALETTE_SIZE}`;
      let slice: SVGElement;
      if (share >= 0.9999) {
        slice = s('circle', { cx, cy, r: radius, class: className });
      } else {
        const x1 = cx + radius * Math.cos(angle);
        const y1 = cy + radius * Math.sin(angle);
        const x2 = cx + radius * Math.cos(angle + sweep);
        const y2 = cy + radius * Math.sin(angle + sweep);
        slice = s('path', { d: `M${cx},${cy} L${x1},${y1} A${radius},${radius} 0 ${sweep > Math.PI ? 1 : 0} 1 ${x2},${y2} Z`, class: className });
      }
      slice.setAttribute('data-series', series.name);
      slice.setAttribute('data-label', chart.labels[labelIndex] ?? '');
      angle += sweep;
      group.append(slice);
      const message = pointMessage(chart, seriesIndex, labelIndex);
      marks.push({ element: slice, tip: `${message} (${Math.round(share * 100)}%)`, message });
    });
    if (count > 1) group.append(s('text', { x: cx, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'parley-pie-name', 'aria-hidden': 'true' }, short(series.name, 20)));
    svg.append(group);
  });
  return marks;
}

function legend(chart: ChartData): HTMLElement | null {
  const entries = chart.type === 'pie' ? chart.labels : chart.series.length > 1 ? chart.series.map((series) => series.name) : [];
  if (entries.length === 0) return null;
  return h(
    'ul',
    { class: 'parley-legend', 'aria-hidden': 'true' },
    ...entries.map((entry, index) => h('li', {}, h('span', { class: `parley-swatch parley-c${index % PALETTE_SIZE}` }), entry)),
  );
}

function table(chart: ChartData): HTMLElement {
  const caption = [chart.title ?? (chart.type === 'pie' ? 'Pie chart' : chart.type === 'bar' ? 'Bar chart' : 'Line chart'), chart.unit ? `(${chart.unit})` : ''].join(' ').trim();
  const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Label'), ...chart.series.map((series) => h('th', { scope: 'col' }, series.name))));
  const body = h(
    'tbody',
    {},
    ...chart.labels.map((label, index) =>
      h('tr', {}, h('th', { scope: 'row' }, label), ...chart.series.map((series) => h('td', {}, withUnit(series.values[index] ?? 0, chart.unit)))),
    ),
  );
  // Wrapped: a table ignores the 1px size and overflow that hide the wrapper visually.
  return h('div', { class: 'parley-sr-only' }, h('table', {}, h('caption', {}, caption), head, body));
}
