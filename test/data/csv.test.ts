// The strict CSV reader: quoting, line numbers in errors, header checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords, formatCsv, parseCsv, readCsv, requireColumns } from '../../lib/data/csv';
import { errorOf } from './error-of';


describe('parseCsv', () => {
  it('reads a header, rows and their line numbers, skipping blank lines', () => {
    const t = parseCsv('ID,Class\n1,siren\n\n2,dog_bark\n', 'train.csv');
    expect(t.header).toEqual(['ID', 'Class']);
    expect(t.rows).toEqual([['1', 'siren'], ['2', 'dog_bark']]);
    expect(t.lines).toEqual([2, 4]);
    expect(csvRecords(t)).toEqual([{ ID: '1', Class: 'siren' }, { ID: '2', Class: 'dog_bark' }]);
  });

  it('handles quotes, escaped quotes, commas and newlines in fields, CRLF, a BOM and no final newline', () => {
    const t = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",\r\nlast,"q"', 'f.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['x, y', 'say "hi"'], ['two\nlines', ''], ['last', 'q']]);
    // The row after the two-line field starts on line 5.
    expect(t.lines).toEqual([2, 3, 5]);
  });

  it('round-trips through formatCsv', () => {
    const rows = [['a,b', 'plain'], ['"quoted"', 'line\nbreak'], ['', '7']];
    const t = parseCsv(formatCsv(['x', 'y'], rows));
    expect(t.rows).toEqual(rows);
  });

  it('rejects a ragged row, naming file, line and widths', () => {
    const e = errorOf(() => parseCsv('ID,Class\n1,siren\n2\n3,drilling\n', 'train.csv'));
    expect(e.file).toBe('train.csv');
    expect(e.line).toBe(3);
    expect(e.message).toBe('train.csv:3: row has 1 field, the header has 2 (ID,Class)');
    expect(errorOf(() => parseCsv('a,b\n1,2,3\n', 'x.csv')).line).toBe(2);
  });

  it('rejects broken quoting', () => {
    expect(errorOf(() => parseCsv('a,b\n1,"open\n2,3\n', 'q.csv')).message).toMatch(/^q\.csv:2: unterminated quoted field/);
    expect(errorOf(() => parseCsv('a,b\n1,"x"y\n', 'q.csv')).message).toMatch(/^q\.csv:2: unexpected character 'y' after a closing quote/);
    expect(errorOf(() => parseCsv('a,b\n1,x"y\n', 'q.csv')).message).toMatch(/^q\.csv:2: stray "/);
  });

  it('rejects an empty file and a bad header', () => {
    expect(errorOf(() => parseCsv('\n\n', 'e.csv')).message).toBe('e.csv: empty CSV file (no header row)');
    expect(errorOf(() => parseCsv('ID,,Class\n', 'h.csv')).message).toBe('h.csv:1: header column 2 has no name');
    expect(errorOf(() => parseCsv('ID,ID\n', 'h.csv')).message).toBe("h.csv:1: header names column 'ID' twice");
  });
});

describe('readCsv and requireColumns', () => {
  it('names the file when it is missing and the column when it is absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-csv-'));
    try {
      expect(errorOf(() => readCsv(join(dir, 'nope.csv'))).message).toBe(`${join(dir, 'nope.csv')}: file not found`);
      const path = join(dir, 'meta.csv');
      writeFileSync(path, '\nslice_file_name,class_name\nx.wav,siren\n');
      const t = readCsv(path);
      expect(requireColumns(t, ['slice_file_name', ['class', 'class_name']])).toEqual([0, 1]);
      const e = errorOf(() => requireColumns(t, ['fold']));
      expect(e.message).toBe(`${path}:2: missing column 'fold' (header: slice_file_name,class_name)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
