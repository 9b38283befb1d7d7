import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/core/report/render-html';
import { renderMarkdown, sparkline } from '../../src/core/report/render-markdown';
import type { Block } from '../../src/core/report/report-document';
import { stackSimilarity } from '../../src/core/compare/similarity';

describe('report rendering', () => {
  it('fences source with more backticks than it contains, and marks the crashing line', () => {
    const md = renderMarkdown([{ kind: 'code', language: 'c', firstLine: 9, lines: ['a();', 'const char *s = "```";', 'b();'], mark: 10 }]);
    expect(md).toContain('````c\n');
    expect(md).toContain('>10 const char *s = "```";');
    expect(md.trimEnd().endsWith('````')).toBe(true);
  });

  it('keeps table cells in their cell: pipes escaped, newlines flattened', () => {
    const md = renderMarkdown([{ kind: 'table', headers: ['k', 'v'], rows: [['a|b', 'line1\nline2']] }]);
    expect(md).toContain('| a\\|b | line1 line2 |');
  });

  it('escapes everything in HTML and links only http(s) tickets', () => {
    const blocks: Block[] = [
      { kind: 'paragraph', text: '<script>alert(1)</script> & "quotes"' },
      { kind: 'link', label: 'Ticket', url: 'javascript:alert(1)' },
      { kind: 'link', label: 'Ticket', url: 'https://tracker.example/X-1?a=1&b=2' },
    ];
    const html = renderHtml(blocks, '<title>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://tracker.example/X-1?a=1&amp;b=2">');
    expect(html).toContain("default-src 'none'");
  });

  it('renders hostile text in Markdown as text: no HTML, no javascript: link, no image, through a real CommonMark renderer', () => {
    const hostile = [
      '<img src=x onerror="alert(1)">',
      '<iframe src="https://evil.example"></iframe>',
      '[click](javascript:alert(1))',
      '![x](https://evil.example/pixel.png)',
      '<javascript:alert(1)>',
      '&lt;script&gt;',
      '*emphasis* and _under_ but send_report stays',
    ].join(' ');
    const md = renderMarkdown([
      { kind: 'heading', level: 1, text: hostile },
      { kind: 'paragraph', text: hostile },
      { kind: 'paragraph', text: hostile, emphasis: true },
      { kind: 'fields', rows: [[hostile, hostile]] },
      { kind: 'table', headers: ['a'], rows: [[hostile]] },
      { kind: 'link', label: 'Ticket', url: 'javascript:alert(1)' },
      { kind: 'link', label: 'Ticket', url: 'https://tracker.example/BUG-42' },
    ]);
    // As GitHub and most viewers render Markdown: raw HTML allowed.
    const html = new MarkdownIt({ html: true, linkify: false }).render(md);
    expect(html).not.toMatch(/<img|<iframe|<script|href="javascript/i);
    // The one emphasis is the paragraph's own, none from the text's *…* or _…_.
    expect(html.match(/<em>/g)).toHaveLength(1);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('send_report');
    expect(html).toContain('<a href="https://tracker.example/BUG-42">');
    expect(md).toContain('send_report');
  });

  it('draws crashes per day as bars scaled to the busiest day, with the total in words', () => {
    const line = sparkline([
      { day: '2026-01-01', count: 0 },
      { day: '2026-01-02', count: 4 },
      { day: '2026-01-03', count: 8 },
    ]);
    expect(line.split('\n')[0]).toBe(' ▄█');
    expect(line).toContain('12 crashes, at most 8 on 2026-01-03');
  });
});

describe('stack similarity', () => {
  it('is 1 for the same stack and 0 for stacks with nothing in common', () => {
    expect(stackSimilarity(['a', 'b', 'main'], ['a', 'b', 'main']).score).toBeCloseTo(1);
    expect(stackSimilarity(['a', 'b'], ['c', 'd']).score).toBe(0);
    expect(stackSimilarity([], ['a']).score).toBe(0);
  });

  it('weighs the top of the stack more than the bottom', () => {
    const sameTop = stackSimilarity(['parse', 'load', 'x', 'main'], ['parse', 'load', 'y', 'start']).score;
    const sameBottom = stackSimilarity(['x', 'y', 'load', 'main'], ['p', 'q', 'load', 'main']).score;
    expect(sameTop).toBeGreaterThan(0.6);
    expect(sameBottom).toBeLessThan(0.35);
  });

  it('aligns past an extra frame and says which frames are shared', () => {
    const { score, shared } = stackSimilarity(['parse', 'load', 'main'], ['parse', 'helper', 'load', 'main']);
    expect(shared).toEqual(['parse', 'load', 'main']);
    expect(score).toBeGreaterThan(0.75);
  });
});
