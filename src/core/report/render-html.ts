import type { DayCount } from '../../shared/model';
import type { Block } from './report-document';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

/** Names up to this long are never broken inside (at a hyphen, say); longer ones, hashes mostly, may be. */
const WHOLE_NAME = 32;

/** Long paths in narrow cells wrap after a slash, keeping each file and folder name whole. */
const breakablePath = (text: string): string =>
  text
    .split('/')
    .map((part) => (part.length > 0 && part.length <= WHOLE_NAME ? `<span class="whole">${escape(part)}</span>` : escape(part)))
    .join('/<wbr>');

/** Bars of crashes per day, drawn inline so the file needs nothing else. */
function chart(days: DayCount[]): string {
  const peak = Math.max(1, ...days.map((d) => d.count));
  const width = 8;
  const height = 60;
  const bars = days
    .map((d, i) => {
      const h = Math.round((d.count / peak) * height);
      return `<rect x="${i * width}" y="${height - h}" width="${width - 2}" height="${h}"><title>${escape(d.day)}: ${d.count}</title></rect>`;
    })
    .join('');
  const total = days.reduce((n, d) => n + d.count, 0);
  return `<figure><svg class="chart" role="img" aria-label="${total} crashes per day" width="${days.length * width}" height="${height}" viewBox="0 0 ${days.length * width} ${height}">${bars}</svg><figcaption>${total} crashes, ${escape(days[0]?.day ?? '')} … ${escape(days.at(-1)?.day ?? '')}</figcaption></figure>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; max-width: 1100px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #d0d7de; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 12.5px; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; } th, .whole { white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12.5px; } pre .mark { background: #ffe2a8; display: inline-block; width: 100%; }
.note { color: #57606a; font-style: italic; } .chart rect { fill: #cf222e; } figure { margin: 8px 0; } figcaption { color: #57606a; font-size: 12px; }
@media print { body { margin: 0; max-width: none; } pre, table { page-break-inside: auto; } }
`;

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${escape(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p${b.emphasis ? ' class="note"' : ''}>${escape(b.text).replace(/\r?\n/g, '<br>')}</p>`;
    case 'fields':
      return `<dl>${b.rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`;
    case 'table':
      return `<table><thead><tr>${b.headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${breakablePath(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'code': {
      const width = String(b.firstLine + b.lines.length).length;
      const lines = b.lines.map((l, i) => {
        const text = `${String(b.firstLine + i).padStart(width)}  ${escape(l)}`;
        return b.firstLine + i === b.mark ? `<span class="mark">${text}</span>` : text;
      });
      return `<pre><code${b.language ? ` class="language-${escape(b.language)}"` : ''}>${lines.join('\n')}</code></pre>`;
    }
    case 'chart':
      return chart(b.days);
    case 'link':
      return /^https?:\/\//i.test(b.url)
        ? `<p>${escape(b.label)}: <a href="${escape(b.url)}">${escape(b.url)}</a></p>`
        : `<p>${escape(b.label)}: ${escape(b.url)}</p>`;
  }
}

/** One HTML file with its style inside and no scripts, safe to open or attach anywhere. */
export function renderHtml(blocks: Block[], title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escape(title)}</title><style>${STYLE}</style></head>
<body>
${blocks.map(block).join('\n')}
</body></html>
`;
}
