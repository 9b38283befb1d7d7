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

/**
 * Text from a crash or a note, as Markdown that shows it and does nothing else: no raw HTML
 * (<img onerror>, <iframe>), no link or image ([…](javascript:…)), no autolink, no entity, no
 * emphasis. Backslash escapes keep it readable as plain text too. Underscores inside a word
 * (send_report) stay as they are: CommonMark never reads them as emphasis.
 */
export function inline(text: string): string {
  // A backslash is escaped only before punctuation, where CommonMark would read it as an escape:
  // c:\test_app\app.cc stays as it is, \<img …> cannot become a tag.
  return text.replace(/\\(?=[!-/:-@[-`{-~])|[<>[\]*&`]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`);
}

const cell = (text: string): string => inline(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

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
        out.push(`${'#'.repeat(b.level)} ${inline(b.text).replace(/\r?\n/g, ' ')}`);
        break;
      case 'paragraph':
        out.push(b.emphasis ? `_${inline(b.text).replace(/(?<!\\)_/g, '\\_')}_` : inline(b.text));
        break;
      case 'fields':
        out.push(b.rows.map(([k, v]) => `- **${inline(k)}:** ${inline(v).replace(/\r?\n/g, ' ')}`).join('\n'));
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
        // Only a web address becomes a link; anything else (javascript:, data:) is shown as text.
        out.push(
          /^https?:\/\/[^\s<>]+$/i.test(b.url)
            ? `${inline(b.label)}: <${b.url.replace(/[<>\s]/g, encodeURIComponent)}>`
            : `${inline(b.label)}: ${inline(b.url)}`,
        );
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}
