import { KnowledgeParseError } from './parsed-document.js';

export interface CsvRow {
  /** 1-based line of the file the record starts on. */
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180 CSV: fields separated by commas, records by line breaks (`\r\n` or `\n`); a field in
 * double quotes may hold commas, line breaks and doubled quotes (`""` is one `"`). Empty lines
 * are skipped; spaces around a quoted field are ignored. A quote inside an unquoted field, text after a closing quote or a quote left open
 * is an error naming the line (`source:line`).
 */
export function parseCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quotedFieldLine = 0;
  /** 'start' of a field, inside an 'unquoted' field, 'quoted', or just 'closed' a quoted one. */
  let state: 'start' | 'unquoted' | 'quoted' | 'closed' = 'start';

  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: recordLine, fields });
    fields = [];
    field = '';
    state = 'start';
  };

  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (state === 'quoted') {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else {
          state = 'closed';
        }
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      state = 'start';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else if (char === '"') {
      if (state === 'closed') throw new KnowledgeParseError(`${source}:${line}: text after a closing quote (a quote inside a quoted field must be doubled: "")`);
      if (state !== 'start' && field.trim() !== '') {
        throw new KnowledgeParseError(`${source}:${line}: a quote inside a field that does not start with one (write the field in quotes and double the quote: "say ""hi""")`);
      }
      field = '';
      state = 'quoted';
      quotedFieldLine = line;
    } else if (state === 'closed' && char !== ' ' && char !== '\t') {
      throw new KnowledgeParseError(`${source}:${line}: text after a closing quote (a quote inside a quoted field must be doubled: "")`);
    } else if (state !== 'closed') {
      field += char;
      state = 'unquoted';
    }
  }
  if (state === 'quoted') throw new KnowledgeParseError(`${source}:${quotedFieldLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0 || state === 'closed') endRecord();
  return rows;
}
