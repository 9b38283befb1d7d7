import type { DayCount } from '../../shared/model';
import type { Block } from './report-document';

const BARS = '▁▂▃▄▅▆▇█';

/** Crashes per day as one line of bars, with the total and the peak in words. */
export function sparkline(days: DayCount[]): string {
  const peak = Math.max(0, ...days.map((d) => d.count));
  const total = days.reduce((n, d) => n + d.count, 0);
  const bars = days.map((d) => (d.count === 0 ? ' ' : BARS[Math.min(7, Math.floor((d.count / peak) * 7.999))])).join('');
  const top = days.find((d) => d.count === peak);
  return `${bars || '(no days)'}\n${total} crashes${top && peak > 0 ? `, at most ${peak} on ${top.day}` : ''} (${days[0]?.day ?? ''} … ${days.at(-1)?.day ?? ''})`;
}

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A fence longer than any run of backticks inside, so source lines cannot close it. */
function fence(lines: string[]): string {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  return '`'.repeat(longest + 1);
}

function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`);
        break;
      case 'paragraph':
        out.push(b.emphasis ? `_${b.text.replace(/_/g, '\\_')}_` : b.text);
        break;
      case 'fields':
        out.push(b.rows.map(([k, v]) => `- **${k}:** ${v.replace(/\r?\n/g, ' ')}`).join('\n'));
        break;
      case 'table':
        out.push(table(b.headers, b.rows));
        break;
      case 'code': {
        const f = fence(b.lines);
        const width = String(b.firstLine + b.lines.length).length;
        const lines = b.lines.map((l, i) => `${b.firstLine + i === b.mark ? '>' : ' '}${String(b.firstLine + i).padStart(width)} ${l}`);
        out.push(`${f}${b.language}\n${lines.join('\n')}\n${f}`);
        break;
      }
      case 'chart':
        out.push(`\`\`\`\n${sparkline(b.days)}\n\`\`\``);
        break;
      case 'link':
        out.push(`${b.label}: <${b.url.replace(/[<>\s]/g, encodeURIComponent)}>`);
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}
