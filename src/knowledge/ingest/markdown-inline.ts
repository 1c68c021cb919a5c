import { decodeHTML } from 'entities';

/**
 * Markdown inline markup to plain text: emphasis and strike-through lose their markers, links
 * become their text, images their alt text, autolinks their address, code spans their content,
 * inline HTML tags disappear, backslash escapes and entities are resolved.
 */
export function stripInlineMarkdown(text: string): string {
  const parts = text.split(CODE_SPAN);
  // split() with the pattern's two groups gives [text, backticks, code, text, backticks, code, …].
  let result = '';
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] ?? '';
    if (index % 3 === 0) result += stripOutsideCode(part);
    else if (index % 3 === 2) result += part.trim();
  }
  return result;
}

const CODE_SPAN = /(`+)(.+?)\1(?!`)/;

const ESCAPABLE = /\\([!-/:-@[-`{-~])/g;
/** Escaped characters wait in the private use area while markup is removed. */
const ESCAPE_BASE = 0xe000;

function stripOutsideCode(text: string): string {
  let out = text.replace(ESCAPABLE, (_match, char: string) => String.fromCharCode(ESCAPE_BASE + char.charCodeAt(0)));
  out = out
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/!\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/\[\^[^\]]+\]/g, '')
    .replace(/\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|ftp):[^>\s]+)>/gi, '$1')
    .replace(/<mailto:([^>\s]+)>/gi, '$1')
    .replace(/<([^>\s@]+@[^>\s]+)>/g, '$1')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g, '');
  for (let pass = 0; pass < 3; pass += 1) {
    out = out
      .replace(/(\*\*|__)(?=\S)(.*?\S)\1/g, (match, marker: string, inner: string, offset: number, whole: string) =>
        marker === '__' && isWordChar(whole[offset - 1]) ? match : inner,
      )
      .replace(/~~(?=\S)(.*?\S)~~/g, '$1')
      .replace(/\*(?=[^\s*])([^*]*?[^\s*])\*/g, '$1')
      .replace(/\*(?=[^\s*])([^\s*])\*/g, '$1')
      .replace(/(^|[^\p{L}\p{N}_])_(?=[^\s_])(.*?[^\s_]|[^\s_])_(?![\p{L}\p{N}_])/gu, '$1$2');
  }
  out = out.replace(/[\ue000-\ue07f]/g, (char) => String.fromCharCode(char.charCodeAt(0) - ESCAPE_BASE));
  return decodeHTML(out);
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}
