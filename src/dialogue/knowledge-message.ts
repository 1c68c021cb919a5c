import type { Citation, KnowledgeAnswer, OutgoingMessage, RichElement } from '../core/index.js';

/**
 * A knowledge answer as the bot says it: the answer's text, then its sources — a link element per
 * source that has an address (with a plain-text fallback), and the titles of the others in the text.
 */
export function answerMessage(answer: Extract<KnowledgeAnswer, { kind: 'answer' }>): OutgoingMessage {
  const linked: RichElement[] = [];
  const unlinked: string[] = [];
  for (const citation of uniqueCitations(answer.citations)) {
    const name = citationName(citation);
    if (citation.link) linked.push({ kind: 'link', url: citation.link, title: name, fallback: `Source: ${name} – ${citation.link}` });
    else unlinked.push(name);
  }
  const text = unlinked.length === 0 ? answer.text : `${answer.text}\n\nSource: ${unlinked.join('; ')}`;
  return { type: 'text', text, ...(linked.length > 0 ? { elements: linked.slice(0, 10) } : {}) };
}

function citationName(citation: Citation): string {
  return citation.section ? `${citation.title} › ${citation.section}` : citation.title;
}

function uniqueCitations(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  return citations.filter((citation) => {
    const key = `${citation.source}\u0000${citation.section ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
