// qr2pbm.mjs - turns the QR code termauth draws on a terminal back into an
// image, so that a real decoder (zbarimg) can read it: each character cell
// is two modules high (upper half block, lower half block, full block or
// space; the ink is a dark module). Reads a terminal transcript, keeps the
// lines made only of those cells (after dropping ANSI colour codes), and
// writes a PBM scaled up with a white margin.
// Usage: node qr2pbm.mjs TRANSCRIPT OUT.pbm
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const cells = { ' ': [0, 0], '\u2580': [1, 0], '\u2584': [0, 1], '\u2588': [1, 1] };
const lines = readFileSync(input, 'utf8')
  .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
  .split(/\r?\n/)
  .map(l => l.replace(/^ {2}/, '')) // the indent before the code
  .filter(l => /[\u2580\u2584\u2588]/.test(l) && [...l].every(ch => ch in cells));
if (!lines.length) {
  process.stderr.write('qr2pbm: no QR code in the transcript\n');
  process.exit(1);
}
const width = Math.max(...lines.map(l => [...l].length));
const rows = [];
for (const l of lines) {
  const chars = [...l.padEnd(width, ' ')];
  rows.push(chars.map(ch => cells[ch][0]), chars.map(ch => cells[ch][1]));
}
const scale = 6, margin = 4 * scale;
const w = width * scale + 2 * margin, h = rows.length * scale + 2 * margin;
const out = [`P1\n${w} ${h}\n`];
for (let y = 0; y < h; y++) {
  const r = rows[Math.floor((y - margin) / scale)];
  let line = '';
  for (let x = 0; x < w; x++) {
    const inside = y >= margin && y < h - margin && x >= margin && x < w - margin;
    line += inside && r[Math.floor((x - margin) / scale)] ? '1' : '0';
  }
  out.push(line, '\n');
}
writeFileSync(output, out.join(''));
