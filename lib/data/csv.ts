// A small strict CSV reader (RFC 4180: header row, quoted fields, "" escapes, CRLF) for dataset metadata.
//
// Our own instead of papaparse or csv-parse: metadata errors must name the file and the physical line
// (a quoted field may span lines, so a row index is not enough), ragged rows must be errors rather than
// warnings, and the whole reader is ~100 lines with no dependency to keep in step.
import { readFileSync } from 'node:fs';
import { DatasetError } from './errors';

/** A parsed CSV file: the header, the data rows (all as wide as the header) and each row's first line. */
export interface CsvTable {
  /** The file it came from (or the name given to parseCsv), for error messages. */
  file: string;
  header: string[];
  /** 1-based line of the header row. */
  headerLine: number;
  rows: string[][];
  /** 1-based line number where each row starts, parallel to `rows`. */
  lines: number[];
}

/**
 * Parse CSV text strictly: the first non-blank row is the header (names must be non-empty and unique);
 * every other row must have exactly as many fields; blank lines are skipped (as pandas does); a UTF-8 BOM is
 * dropped; fields are not trimmed. Throws DatasetError(file, reason, line) on a ragged row, a stray or
 * unterminated quote, or a bad header.
 * @param text the file's contents.
 * @param file the name used in errors (default `'<csv>'`).
 */
export function parseCsv(text: string, file = '<csv>'): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const starts: number[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Skip blank lines between records.
    if (text[i] === '\n' || text[i] === '\r') {
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new DatasetError(file, 'unterminated quoted field (the closing " is missing)', quoteLine);
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new DatasetError(file, `unexpected character '${text[i]}' after a closing quote`, line);
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new DatasetError(file, 'stray " inside an unquoted field (quote the whole field)', line);
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      // End of record: newline or end of text.
      if (i < n && text[i] === '\r') i++;
      if (i < n && text[i] === '\n') i++;
      line++;
      break;
    }
    records.push(fields);
    starts.push(startLine);
  }
  if (records.length === 0) throw new DatasetError(file, 'empty CSV file (no header row)');
  const header = records[0];
  const seen = new Set<string>();
  header.forEach((name, k) => {
    if (name.trim() === '') throw new DatasetError(file, `header column ${k + 1} has no name`, starts[0]);
    if (seen.has(name)) throw new DatasetError(file, `header names column '${name}' twice`, starts[0]);
    seen.add(name);
  });
  const rows = records.slice(1);
  const lines = starts.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new DatasetError(file, `row has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${header.length} (${header.join(',')})`, lines[r]);
    }
  });
  return { file, header, headerLine: starts[0], rows, lines };
}

/** Read and parse a CSV file (UTF-8); errors name `path`. See parseCsv. */
export function readCsv(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(path, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`);
  }
  return parseCsv(text, path);
}

/**
 * Column indices for the wanted names; throws DatasetError at the header line when one is absent.
 * Each entry of `wanted` may list alternatives (e.g. `['class', 'class_name']`): the first present wins.
 */
export function requireColumns(table: CsvTable, wanted: Array<string | string[]>): number[] {
  return wanted.map((w) => {
    const options = Array.isArray(w) ? w : [w];
    for (const name of options) {
      const k = table.header.indexOf(name);
      if (k >= 0) return k;
    }
    throw new DatasetError(table.file, `missing column '${options.join("' or '")}' (header: ${table.header.join(',')})`, table.headerLine);
  });
}

/** The rows as objects keyed by header name (for notebooks; danfojs can take these directly). */
export function csvRecords(table: CsvTable): Array<Record<string, string>> {
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, k) => [name, row[k]])));
}

/** Quote a field when it needs it (comma, quote, newline), doubling inner quotes. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Format a header and rows as CSV text with '\n' line ends and a final newline. */
export function formatCsv(header: string[], rows: Array<Array<string | number>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
