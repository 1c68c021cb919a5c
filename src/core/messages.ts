import { z } from 'zod';

/** A button the user can press; its payload is sent back as the next message's text. */
export const buttonSchema = z.object({
  title: z.string().min(1).max(80),
  payload: z.string().min(1).max(1000),
});

/**
 * Rich elements: one channel-neutral schema for cards, carousels, images, links and charts.
 * Every element carries `fallback`, the plain text a channel shows when it cannot render the
 * element (SMS, a terminal, a screen reader friendly transcript). The fallback is required
 * everywhere, in the bot folder and in code alike, so nothing can reach a channel without one.
 * A chart may say `fallback: auto`: its fallback is then generated as a compact table
 * (see {@link chartTable}).
 */

/** The `fallback` value that asks for a chart's table to be generated. */
export const AUTO_FALLBACK = 'auto';

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const httpUrlHint = 'use a web address starting with https:// or http://, e.g. https://parleyshop.example/track';

/** A web address: only http and https, so no `javascript:` or `data:` link can reach a widget. */
export const httpUrlSchema = z
  .string()
  .max(2048)
  .regex(HTTP_URL, { error: httpUrlHint })
  // Reported once: only an address of the right form is also checked to be parseable.
  .refine((url) => !HTTP_URL.test(url) || URL.canParse(url), { error: httpUrlHint });

const fallbackSchema = z
  .string()
  .min(1)
  .describe('Plain text shown by a channel that cannot render this element; for a chart, "auto" generates a table');

export const cardSchema = z
  .object({
    kind: z.literal('card'),
    title: z.string().min(1),
    subtitle: z.string().min(1).optional(),
    image_url: httpUrlSchema.optional(),
    buttons: z.array(buttonSchema).min(1).max(10).optional(),
    fallback: fallbackSchema,
  })
  .strict()
  .describe('A card: title, optional subtitle, image and buttons');

export const carouselSchema = z
  .object({
    kind: z.literal('carousel'),
    cards: z.array(cardSchema).min(2).max(10),
    fallback: fallbackSchema,
  })
  .strict()
  .describe('Two to ten cards side by side');

export const imageSchema = z
  .object({
    kind: z.literal('image'),
    url: httpUrlSchema,
    alt: z.string().min(1).describe('What the image shows, for screen readers'),
    fallback: fallbackSchema,
  })
  .strict()
  .describe('An image');

export const linkSchema = z
  .object({
    kind: z.literal('link'),
    url: httpUrlSchema,
    title: z.string().min(1),
    fallback: fallbackSchema,
  })
  .strict()
  .describe('A link to a web page');

const chartSeriesSchema = z
  .object({
    name: z.string().min(1),
    values: z.array(z.number()).min(1).describe('One value per label, in the order of the labels'),
  })
  .strict();

/** A chart's data, without the check that every series has one value per label. */
export const chartDataShapeSchema = z
  .object({
    type: z.enum(['bar', 'line', 'pie']),
    title: z.string().min(1).optional(),
    labels: z.array(z.string().min(1)).min(1).max(100),
    series: z.array(chartSeriesSchema).min(1).max(10),
    unit: z.string().min(1).optional().describe('Unit of the values, e.g. "EUR" or "%"'),
  })
  .strict();
export type ChartData = z.infer<typeof chartDataShapeSchema>;

/** Series whose number of values differs from the number of labels. */
export function chartSeriesMismatches(chart: ChartData): { readonly index: number; readonly name: string; readonly values: number }[] {
  return chart.series.flatMap((series, index) =>
    series.values.length === chart.labels.length ? [] : [{ index, name: series.name, values: series.values.length }],
  );
}

export const chartDataSchema = chartDataShapeSchema
  .superRefine((chart, context) => {
    for (const mismatch of chartSeriesMismatches(chart)) {
      context.addIssue({
        code: 'custom',
        path: ['series', mismatch.index, 'values'],
        message: `series "${mismatch.name}" has ${mismatch.values} value${mismatch.values === 1 ? '' : 's'} but the chart has ${chart.labels.length} label${chart.labels.length === 1 ? '' : 's'}: give one value per label`,
        input: chart.series[mismatch.index]?.values,
      });
    }
  })
  .describe('A data spec a channel draws, turns into an image, or shows as a table');

function chartElementSchema<T extends z.ZodType<ChartData>>(chart: T) {
  return z
    .object({ kind: z.literal('chart'), chart, fallback: fallbackSchema })
    .strict()
    .describe('A chart');
}

export const chartSchema = chartElementSchema(chartDataSchema);

/** Every rich element a message can carry. */
export const richElementSchema = z.discriminatedUnion('kind', [cardSchema, carouselSchema, imageSchema, linkSchema, chartSchema]);

/**
 * The same elements as written in a bot folder. Identical fields; only the cross-field check of a
 * chart's series against its labels is left to the bot validator, which reports it with a hint.
 */
export const richElementShapeSchema = z.discriminatedUnion('kind', [
  cardSchema,
  carouselSchema,
  imageSchema,
  linkSchema,
  chartElementSchema(chartDataShapeSchema),
]);

export type Card = z.infer<typeof cardSchema>;
export type Carousel = z.infer<typeof carouselSchema>;
export type ImageElement = z.infer<typeof imageSchema>;
export type LinkElement = z.infer<typeof linkSchema>;
export type ChartElement = z.infer<typeof chartSchema>;
export type RichElement = z.infer<typeof richElementSchema>;

/**
 * What the bot says. Channels that cannot show buttons degrade them to a numbered list, and
 * channels that cannot show an element show its fallback, so a message must always make sense
 * from its text alone (see {@link plainTextOf}).
 */
export const outgoingMessageSchema = z.object({
  type: z.literal('text'),
  text: z.string().min(1),
  buttons: z.array(buttonSchema).max(10).optional(),
  // No minimum: an empty list written by code must not make the stored event unreadable.
  elements: z.array(richElementSchema).max(10).optional(),
});

export type Button = z.infer<typeof buttonSchema>;
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;

/** An outgoing message once it has been given its id within the conversation. */
export interface BotReply extends OutgoingMessage {
  readonly id: string;
}

/**
 * A chart as a compact table, one line per label: a heading with the title and unit, then
 * `Jan: 3` for a single series or `Jan: Orders 3, Returns 1` for several.
 */
export function chartTable(chart: ChartData): string {
  const heading = chart.title === undefined ? (chart.unit === undefined ? undefined : `Values in ${chart.unit}`) : chart.unit === undefined ? chart.title : `${chart.title} (${chart.unit})`;
  const single = chart.series.length === 1;
  const rows = chart.labels.map((label, index) => {
    const cells = chart.series.map((series) => {
      const value = series.values[index];
      const shown = value === undefined ? '-' : String(value);
      return single ? shown : `${series.name} ${shown}`;
    });
    return `${label}: ${cells.join(', ')}`;
  });
  return [...(heading === undefined ? [] : [heading]), ...rows].join('\n');
}

/** The text a channel shows instead of an element: its fallback, or a chart's generated table. */
export function fallbackOf(element: RichElement): string {
  if (element.kind === 'chart' && element.fallback.trim() === AUTO_FALLBACK) return chartTable(element.chart);
  return element.fallback;
}

/**
 * A message for a text-only channel: the text, then each element's fallback, then the buttons
 * as a numbered list ("1. Track my order"), separated by blank lines. Buttons on cards are not
 * listed: a card's fallback says what it offers.
 */
export function plainTextOf(message: OutgoingMessage): string {
  const parts = [message.text, ...(message.elements ?? []).map(fallbackOf)];
  if (message.buttons && message.buttons.length > 0) {
    parts.push(message.buttons.map((button, index) => `${index + 1}. ${button.title}`).join('\n'));
  }
  return parts.join('\n\n');
}
