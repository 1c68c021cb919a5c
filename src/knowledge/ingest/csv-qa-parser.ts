import { parseCsv } from './csv.js';
import { KnowledgeParseError, collapseSpaces, decodeText, humanizeFileName, tidyLines, type ParsedDocument } from './parsed-document.js';

/**
 * A CSV of questions and answers: the header names a `question` and an `answer` column (any
 * case, in any order, other columns ignored). Each row is a section of its own, headed by its
 * question, with the text "question\nanswer", and becomes exactly one passage. The title is the
 * file name made readable (`faq.csv` → "Frequently asked questions"). A malformed file is an
 * error naming the line.
 */
export function parseQaCsv(bytes: Buffer, source: string): ParsedDocument {
  const rows = parseCsv(decodeText(bytes), source);
  const header = rows[0];
  if (!header) throw new KnowledgeParseError(`${source}:1: the file is empty; expected a header with "question" and "answer" columns`);
  const names = header.fields.map((name) => collapseSpaces(name).toLowerCase());
  const questionColumn = names.indexOf('question');
  const answerColumn = names.indexOf('answer');
  if (questionColumn < 0 || answerColumn < 0) {
    throw new KnowledgeParseError(`${source}:${header.line}: the header must name a "question" and an "answer" column (found: ${header.fields.map((name) => JSON.stringify(name)).join(', ')})`);
  }
  const sections = rows.slice(1).map((row) => {
    if (row.fields.length !== header.fields.length) {
      throw new KnowledgeParseError(
        `${source}:${row.line}: ${row.fields.length} field${row.fields.length === 1 ? '' : 's'} where the header has ${header.fields.length} (put fields with commas in double quotes)`,
      );
    }
    const question = collapseSpaces(row.fields[questionColumn] ?? '');
    const answer = tidyLines((row.fields[answerColumn] ?? '').split('\n'));
    if (!question || !answer) throw new KnowledgeParseError(`${source}:${row.line}: the ${question ? 'answer' : 'question'} is empty`);
    return { headingPath: [question], text: `${question}\n${answer}` };
  });
  return { title: humanizeFileName(source), sections, atomicSections: true };
}
