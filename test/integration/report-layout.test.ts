import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPdf } from '../../src/core/report/pdf';
import { renderHtml } from '../../src/core/report/render-html';

const LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
  '/opt/vendor-sdk/lib/libvendor-runtime-core.so',
];

/** The text of a PDF as pdftotext lays it out, columns side by side. */
async function pdfText(html: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'crashwb-layout-')), 'report.pdf');
  writeFileSync(file, await chromiumPdf(html));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('a report’s tables in PDF', () => {
  it('wrap long paths at their slashes, so that every file and folder name and every header stays whole', async () => {
    // Programs in folders whose names grow push the columns to different widths, and the cells to
    // wrap at different places: a name broken at a hyphen anywhere shows in one of them.
    const html = renderHtml(
      Array.from({ length: 6 }, (_, i) => ({
        kind: 'table' as const,
        headers: ['module', 'build-id', 'symbols', 'debug file'],
        rows: [`/srv/${'deploy-'.repeat(i + 1)}x/bin/crash-server`, ...LIBRARIES].map((path) => [
          path,
          '93ac61ec5a8eb1396f9fbd350e3169a558528a40',
          'debug-info',
          `/usr/lib/debug/.build-id/93/ac61ec5a8eb1396f9fbd350e3169a558528a40.debug`,
        ]),
      })),
      'layout',
    );
    const text = await pdfText(html);
    const names = [...new Set([...LIBRARIES, '/x/bin/crash-server'].flatMap((p) => p.split('/')).filter(Boolean))];
    for (const name of [...names, 'debug-info', 'symbols', 'debug file'])
      expect(text.split(name).length - 1, `"${name}" whole in every table`).toBeGreaterThanOrEqual(6);
  });
});
