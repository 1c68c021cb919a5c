import { fallbackOf, plainTextOf, type Button, type Card, type OutgoingMessage, type RichElement } from '../../core/index.js';

/**
 * Renders an OutgoingMessage as a `chat.postMessage` body in Block Kit:
 *
 * - the text as `section` blocks (mrkdwn, escaped; split to stay under 3,000 characters each);
 * - a card as a section (bold title, subtitle, its image as the accessory) and its buttons as an
 *   `actions` block; a carousel as its cards one after the other;
 * - an image as an `image` block, a link as `<url|title>`, a chart as its table in a code block;
 * - the message's buttons as one `actions` block (text cut to 75 characters, value = payload).
 *
 * The top-level `text` is the plain-text rendering (text, every element's fallback, the buttons
 * as a numbered list): Slack shows it in notifications and screen readers read it. When the rich
 * rendering would pass Slack's 50-block limit, each element is shown as its fallback instead.
 */

export interface SlackTextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface SlackButtonElement {
  readonly type: 'button';
  readonly text: SlackTextObject;
  readonly value: string;
  readonly action_id: string;
}

export interface SlackImageElement {
  readonly type: 'image';
  readonly image_url: string;
  readonly alt_text: string;
}

export type SlackBlock =
  | { readonly type: 'section'; readonly text: SlackTextObject; readonly accessory?: SlackImageElement }
  | { readonly type: 'actions'; readonly elements: readonly SlackButtonElement[] }
  | { readonly type: 'image'; readonly image_url: string; readonly alt_text: string; readonly title?: SlackTextObject }
  | { readonly type: 'divider' };

export interface SlackPostMessageBody {
  readonly channel: string;
  readonly thread_ts?: string;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** Links in our text are shown as written; Slack does not add previews of them. */
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

/** Slack's documented limits. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  altText: 2000,
  messageText: 40_000,
} as const;

/** `&`, `<` and `>` are control characters in Slack text; everything else is shown as written. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPostMessageBody(channel: string, threadTs: string | undefined, message: OutgoingMessage): SlackPostMessageBody {
  const head = textSections(message.text);
  const tail = message.buttons && message.buttons.length > 0 ? [actionsBlock(message.buttons, 'button')] : [];
  const elements = message.elements ?? [];
  let middle = elements.flatMap((element, index) => elementBlocks(element, index));
  if (head.length + middle.length + tail.length > SLACK_LIMITS.blocks) middle = elements.flatMap((element) => textSections(fallbackOf(element)));
  // A text so long that it alone passes the limit loses its end, never the buttons.
  const blocks = [...[...head, ...middle].slice(0, SLACK_LIMITS.blocks - tail.length), ...tail];
  return {
    channel,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    text: truncateEscaped(escapeSlackText(plainTextOf(message)), SLACK_LIMITS.messageText),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

function elementBlocks(element: RichElement, index: number): SlackBlock[] {
  switch (element.kind) {
    case 'card':
      return cardBlocks(element, `card:${index}`);
    case 'carousel':
      return element.cards.flatMap((card, cardIndex) => [...(cardIndex === 0 ? [] : [{ type: 'divider' } as const]), ...cardBlocks(card, `card:${index}:${cardIndex}`)]);
    case 'image':
      return [{ type: 'image', image_url: element.url, alt_text: truncate(element.alt, SLACK_LIMITS.altText) }];
    case 'link':
      return [section(`<${slackLinkUrl(element.url)}|${escapeSlackText(element.title)}>`)];
    case 'chart':
      return textSections(fallbackOf(element), true);
  }
}

function cardBlocks(card: Card, actionPrefix: string): SlackBlock[] {
  const text = `*${escapeSlackText(card.title)}*${card.subtitle === undefined ? '' : `\n${escapeSlackText(card.subtitle)}`}`;
  const accessory: SlackImageElement | undefined = card.image_url === undefined ? undefined : { type: 'image', image_url: card.image_url, alt_text: truncate(card.title, SLACK_LIMITS.altText) };
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncateEscaped(text, SLACK_LIMITS.sectionText) }, ...(accessory ? { accessory } : {}) }];
  if (card.buttons && card.buttons.length > 0) blocks.push(actionsBlock(card.buttons, actionPrefix));
  return blocks;
}

/** One actions block; `actionPrefix` keeps every action_id of the message distinct. */
function actionsBlock(buttons: readonly Button[], actionPrefix: string): SlackBlock {
  return {
    type: 'actions',
    elements: buttons.slice(0, SLACK_LIMITS.actionsElements).map((button, index) => ({
      type: 'button',
      text: { type: 'plain_text', text: truncate(button.title, SLACK_LIMITS.buttonText), emoji: true },
      value: button.payload.slice(0, SLACK_LIMITS.buttonValue),
      action_id: `parley:${actionPrefix}:${index}`,
    })),
  };
}

function section(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

/** Plain text as sections of at most 3,000 characters once escaped, cut at a line break or space when one is near. */
function textSections(text: string, code = false): SlackBlock[] {
  const wrap = code ? (chunk: string) => `\`\`\`${chunk}\`\`\`` : (chunk: string) => chunk;
  const limit = SLACK_LIMITS.sectionText - (code ? 6 : 0);
  const sections: SlackBlock[] = [];
  let rest = text;
  while (rest.length > 0) {
    let end = 0;
    let length = 0;
    while (end < rest.length) {
      const next = escapeSlackText(rest[end] ?? '').length;
      if (length + next > limit) break;
      length += next;
      end += 1;
    }
    if (end < rest.length) {
      const window = rest.slice(0, end);
      const breakAt = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
      if (breakAt > end / 2) end = breakAt + 1;
      // Never split a surrogate pair.
      else if (/[\uD800-\uDBFF]/.test(rest[end - 1] ?? '')) end -= 1;
    }
    const chunk = rest.slice(0, end);
    rest = rest.slice(end);
    if (chunk.trim() !== '') sections.push(section(wrap(escapeSlackText(code ? chunk : chunk.trimEnd()))));
  }
  return sections;
}

/** A URL inside `<url|title>`: `|` and `>` would end it early, so they are percent-encoded. */
function slackLinkUrl(url: string): string {
  return url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C').replace(/&/g, '&amp;');
}

/** Like {@link truncate} for escaped text: an entity (`&amp;`) cut in half is dropped whole. */
function truncateEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${truncate(text, max).slice(0, -1).replace(/&[a-z]{0,3}$/, '')}…`;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
