// Notebook display HTML: plotly embedded once and offline, figures drawn from their JSON, audio data URIs that decode back.
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { audioHtml, figureHtml, NotebookDisplay, PLOTLY_BUNDLE_ID, tableHtml, waveformFigure } from '../../lib/plot';
import { decodeAudio } from '../../lib/audio';

const BUNDLE_MARK = 'plotly.js (cartesian - minified) v'; // the published bundle's own banner

/** The plotly code an output carries, unpacked as the page's script does it (gzip, base64), or '' if none. */
function embeddedBundle(html: string): string {
  const packed = html.match(/var packed="([A-Za-z0-9+/=]+)"/)?.[1];
  return packed ? gunzipSync(Buffer.from(packed, 'base64')).toString('utf8') : '';
}

describe('NotebookDisplay', () => {
  it('embeds the plotly bundle with the first figure only, and no CDN', () => {
    const outputs: string[] = [];
    const display = new NotebookDisplay((html) => outputs.push(html));
    const fig = waveformFigure(Float32Array.from([0, 1, 0, -1]), 4);
    display.figure(fig);
    display.figure(fig);
    display.figure(fig);
    expect(outputs.length).toBe(3);
    expect(embeddedBundle(outputs[0])).toContain(BUNDLE_MARK);
    expect(outputs[0]).toContain(`id="${PLOTLY_BUNDLE_ID}"`);
    for (const later of outputs.slice(1)) {
      expect(embeddedBundle(later)).toBe('');
      expect(later).not.toContain(PLOTLY_BUNDLE_ID);
      expect(later).toContain('Plotly.newPlot');
    }
    expect(outputs.join('').match(/<script[^>]*\ssrc=/g)).toBeNull();
  });

  it('keeps the bundle from ending its <script> early', () => {
    const html = figureHtml(waveformFigure(Float32Array.from([0]), 1), { includePlotly: true });
    const body = html.slice(html.indexOf('>') + 1);
    // The first closing tag after the bundle's opening tag must be the bundle's own end: after the packed code.
    expect(body.indexOf('</script>')).toBeGreaterThan(body.indexOf('var packed="') + 500_000);
  });

  it('puts the figure JSON in the page so plotly gets the same data', () => {
    const fig = waveformFigure(Float32Array.from([0, 0.5, -0.5]), 3, { title: 'a </script> title' });
    const html = figureHtml(fig, { id: 'f1' });
    expect(html).toContain('id="f1"');
    expect(html).not.toContain('a </script> title');
    const json = html.match(/var data=(.*?),layout=/)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(fig.data);
  });
});

describe('audioHtml', () => {
  it('is an <audio controls> whose data URI is a 16-bit WAV decoding back to the samples', () => {
    const sampleRate = 22_050;
    const samples = new Float32Array(2205);
    for (let i = 0; i < samples.length; i++) samples[i] = 0.8 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
    const html = audioHtml(samples, sampleRate);
    expect(html).toMatch(/^<audio controls[^>]* src="data:audio\/wav;base64,[A-Za-z0-9+/=]+"><\/audio>$/);
    const b64 = html.match(/base64,([^"]+)"/)?.[1] ?? '';
    const decoded = decodeAudio(new Uint8Array(Buffer.from(b64, 'base64')), 'inline.wav');
    expect(decoded.sampleRate).toBe(sampleRate);
    expect(decoded.info.bitsPerSample).toBe(16);
    expect(decoded.channels.length).toBe(1);
    expect(decoded.channels[0].length).toBe(samples.length);
    let worst = 0;
    for (let i = 0; i < samples.length; i++) worst = Math.max(worst, Math.abs(decoded.channels[0][i] - samples[i]));
    expect(worst).toBeLessThanOrEqual(1 / 32768 + 1e-7);
  });

  it('keeps stereo as two channels and escapes the label', () => {
    const l = Float32Array.from([0.5, -0.5]);
    const r = Float32Array.from([0.25, 0]);
    const html = audioHtml([l, r], 8000, { label: 'dog_bark <1>' });
    expect(html).toContain('dog_bark &lt;1&gt;');
    const b64 = html.match(/base64,([^"]+)"/)?.[1] ?? '';
    const decoded = decodeAudio(new Uint8Array(Buffer.from(b64, 'base64')), 'inline.wav');
    expect(decoded.channels.map((c) => Array.from(c))).toEqual([[0.5, -0.5], [0.25, 0]]);
  });
});

describe('tableHtml', () => {
  it('renders plain rows with escaped text, fixed decimals and a count of hidden rows', () => {
    const rows = [{ Class: 'jack<hammer>', share: 0.12345678 }, { Class: 'siren', share: 3 }, { Class: 'x', share: 1 }];
    const html = tableHtml(rows, { maxRows: 2 });
    expect(html).toContain('<th>Class</th><th>share</th>');
    expect(html).toContain('<td>jack&lt;hammer&gt;</td><td>0.1235</td>');
    expect(html).toContain('<td>siren</td><td>3</td>');
    expect(html).not.toContain('<td>x</td>');
    expect(html).toContain('1 more rows (3 in all)');
  });

  it('renders a DataFrame-like object with its index', () => {
    const html = tableHtml({ columns: ['a', 'b'], values: [[1, 2], [3, 4]], index: ['r0', 'r1'] } as never);
    expect(html).toContain('<tr><th>r0</th><td>1</td><td>2</td></tr>');
  });
});
