/**
 * Draws the README's frontier picture (docs/frontier.svg) from what `npm run frontier -- --json
 * docs/frontier.json` measured: for each sample model, accuracy on the 10,000 test images against weights over the
 * wire (gzip -9, log scale), one line per pruning method through its best points (the upper-left envelope of its
 * rows at every sparsity and storage), the search's answers (`pare auto`, the same run's `search`) as
 * diamonds, and the original as a star with its 0.5- and 1-point bands.
 *
 *   npm run frontier:chart [-- --in docs/frontier.json[,more.json]
 *                              --out docs/frontier.svg]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

interface Row {
  model: string;
  sparsity: number;
  storage: string;
  method: string;
  accuracy: number;
  weightGzipBytes: number;
}

interface Answer {
  model: string;
  targetDrop: number;
  found: string;
  accuracyAll: number;
  weightGzipBytes: number;
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const inputs = arg('in', 'docs/frontier.json').split(',').filter((f) => existsSync(f));
const input = inputs.join(' + ');
const output = arg('out', 'docs/frontier.svg');
const files = inputs.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { rows: Row[]; search?: Answer[] });
// Each run measures the originals again (the same bytes, and the same accuracy on the same backend): keep the first.
const rows = files.flatMap((f) => f.rows).filter((r, i, all) => r.method !== 'original' || all.findIndex((o) => o.method === 'original' && o.model === r.model) === i);
const answers = files.flatMap((f) => f.search ?? []);

const SERIES = [
  { method: 'global', label: 'magnitude + nearest (pare optimize --sparsity)', color: '#8a8f98' },
  { method: 'wanda', label: 'wanda + nearest', color: '#d98a2b' },
  { method: 'obs global', label: 'obs + nearest', color: '#3a9a5b' },
  { method: 'obs + gptq', label: 'obs + gptq', color: '#2f6fdb' },
];
const PANEL = { width: 440, height: 300, left: 56, right: 16, top: 34, bottom: 44 };
const Y_FLOOR = 0.7; // points below 70% are left out: they would squash the region that matters
const X_TICKS_KB = [5, 10, 20, 50, 100, 200, 500, 1000];

/** The points no other point beats on both bytes and accuracy, by bytes. */
function envelope(points: Row[]): Row[] {
  const sorted = [...points].sort((a, b) => a.weightGzipBytes - b.weightGzipBytes);
  const out: Row[] = [];
  for (const p of sorted) if (!out.some((q) => q.accuracy >= p.accuracy)) out.push(p);
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(model: string, x0: number): string {
  const mine = rows.filter((r) => r.model === model);
  const searched = answers.filter((a) => a.model === model);
  const original = mine.find((r) => r.method === 'original');
  if (!original) throw new Error(`${input} has no original row for ${model}.`);
  const kb = [...mine, ...searched].map((r) => r.weightGzipBytes / 1000);
  const xMin = Math.log10(Math.min(...kb) * 0.8);
  const xMax = Math.log10(Math.max(...kb) * 1.25);
  const yMax = Math.ceil((original.accuracy + 0.01) * 100) / 100;
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const x = (bytes: number) => x0 + PANEL.left + ((Math.log10(bytes / 1000) - xMin) / (xMax - xMin)) * w;
  const y = (acc: number) => PANEL.top + (1 - (acc - Y_FLOOR) / (yMax - Y_FLOOR)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + PANEL.left}" y="20" class="title">fashion-${model}: ${(original.accuracy * 100).toFixed(2)}% in ${(original.weightGzipBytes / 1000).toFixed(0)} KB</text>`);
  // The bands: within 0.5 and 1 point of the original.
  for (const [points, opacity] of [[1, 0.06], [0.5, 0.09]] as const) {
    parts.push(`<rect x="${x0 + PANEL.left}" y="${y(original.accuracy)}" width="${w}" height="${y(original.accuracy - points / 100) - y(original.accuracy)}" fill="#2f6fdb" opacity="${opacity}"/>`);
  }
  for (let a = Math.ceil(Y_FLOOR * 100); a <= yMax * 100 + 1e-9; a += 2) {
    parts.push(`<line x1="${x0 + PANEL.left}" x2="${x0 + PANEL.left + w}" y1="${y(a / 100)}" y2="${y(a / 100)}" class="grid"/>`);
    parts.push(`<text x="${x0 + PANEL.left - 6}" y="${y(a / 100) + 4}" class="tick" text-anchor="end">${a}%</text>`);
  }
  for (const t of X_TICKS_KB) {
    const lx = Math.log10(t);
    if (lx < xMin || lx > xMax) continue;
    const px = x(t * 1000);
    parts.push(`<line x1="${px}" x2="${px}" y1="${PANEL.top}" y2="${PANEL.top + h}" class="grid"/>`);
    parts.push(`<text x="${px}" y="${PANEL.top + h + 16}" class="tick" text-anchor="middle">${t} KB</text>`);
  }
  parts.push(`<rect x="${x0 + PANEL.left}" y="${PANEL.top}" width="${w}" height="${h}" class="frame"/>`);
  parts.push(`<text x="${x0 + PANEL.left + w / 2}" y="${PANEL.height - 8}" class="axis" text-anchor="middle">weights over the wire (gzip -9, log scale)</text>`);
  for (const s of SERIES) {
    const front = envelope(mine.filter((r) => r.method === s.method)).filter((r) => r.accuracy >= Y_FLOOR);
    if (front.length === 0) continue;
    parts.push(`<polyline points="${front.map((r) => `${x(r.weightGzipBytes).toFixed(1)},${y(r.accuracy).toFixed(1)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const r of front) {
      const tip = `${s.label}: ${(r.sparsity * 100).toFixed(0)}% sparse, ${r.storage}, ${(r.accuracy * 100).toFixed(2)}%, ${r.weightGzipBytes.toLocaleString('en-US')} B`;
      parts.push(`<circle cx="${x(r.weightGzipBytes).toFixed(1)}" cy="${y(r.accuracy).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(tip)}</title></circle>`);
    }
  }
  for (const a of searched) {
    const [cx, cy] = [x(a.weightGzipBytes), y(a.accuracyAll)];
    const tip = `pare auto within ${a.targetDrop} points: ${a.found}, ${(a.accuracyAll * 100).toFixed(2)}%, ${a.weightGzipBytes.toLocaleString('en-US')} B`;
    parts.push(`<polygon points="${cx},${cy - 6} ${cx + 6},${cy} ${cx},${cy + 6} ${cx - 6},${cy}" fill="#c2338a" stroke="#fff" stroke-width="1"><title>${esc(tip)}</title></polygon>`);
  }
  const sx = x(original.weightGzipBytes);
  const sy = y(original.accuracy);
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 ? 3 : 7;
    const a = (Math.PI / 5) * i - Math.PI / 2;
    return `${(sx + r * Math.cos(a)).toFixed(1)},${(sy + r * Math.sin(a)).toFixed(1)}`;
  }).join(' ');
  parts.push(`<polygon points="${star}" fill="#222"><title>original float32</title></polygon>`);
  return parts.join('\n');
}

const models = [...new Set(rows.map((r) => r.model))];
const width = PANEL.width * models.length;
const legendY = PANEL.height + 8;
const SEARCH_LEGEND = { label: 'pare auto (the search: mixed precision, bias correction)' };
const legend = SERIES.map((s, i) => {
  const lx = 16 + (i % 2) * 440;
  const ly = legendY + Math.floor(i / 2) * 18;
  return `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/><circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="${s.color}"/><text x="${lx + 30}" y="${ly + 4}" class="legend">${esc(s.label)}</text>`;
}).join('\n') + (answers.length ? `\n<polygon points="${27},${legendY + 30} ${33},${legendY + 36} ${27},${legendY + 42} ${21},${legendY + 36}" fill="#c2338a"/><text x="46" y="${legendY + 40}" class="legend">${esc(SEARCH_LEGEND.label)}</text>` : '');
const noteY = legendY + (answers.length ? 62 : 44);
const note = `<text x="16" y="${noteY}" class="note">Accuracy on the 10,000 test images. Shaded: within 0.5 and 1 point of the original. Lines join each method's best rows over 50–90% sparsity</text>
<text x="16" y="${noteY + 14}" class="note">at uint8 and 4 bits (rows below 70% left out), calibrated on 512 training images${answers.length ? '; the search validated on 2,000 of the test images' : ''}.</text>`;
const height = noteY + 24;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>
.title { font-size: 14px; font-weight: 600; fill: #222 }
.tick { font-size: 11px; fill: #555 }
.axis, .legend { font-size: 12px; fill: #333 }
.note { font-size: 11px; fill: #666 }
.grid { stroke: #e4e6ea; stroke-width: 1 }
.frame { fill: none; stroke: #b8bcc4; stroke-width: 1 }
</style>
<rect width="100%" height="100%" fill="#fff"/>
${models.map((m, i) => panel(m, i * PANEL.width)).join('\n')}
${legend}
${note}
</svg>
`;
writeFileSync(output, svg);
console.log(`wrote ${output} (${models.join(', ')}; ${rows.length} rows from ${input})`);
