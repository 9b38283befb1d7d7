import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumPdf } from '../../src/core/report/pdf';

const saved = process.env.CRASHWB_CHROMIUM;
afterEach(() => {
  if (saved === undefined) delete process.env.CRASHWB_CHROMIUM;
  else process.env.CRASHWB_CHROMIUM = saved;
});

describe('PDF printing outside the app', () => {
  it('says how to get Chromium when there is none', async () => {
    process.env.CRASHWB_CHROMIUM = '/nonexistent/chromium';
    await expect(chromiumPdf('<p>x</p>')).rejects.toThrow(/PDF export needs Chromium.*set CRASHWB_CHROMIUM.*export HTML/);
  });

  it('says so when Chromium ends without a PDF, instead of returning nothing', async () => {
    const fake = join(mkdtempSync(join(tmpdir(), 'crashwb-fake-chromium-')), 'chromium');
    writeFileSync(fake, '#!/bin/sh\necho "no display" >&2\nexit 0\n');
    chmodSync(fake, 0o755);
    process.env.CRASHWB_CHROMIUM = fake;
    await expect(chromiumPdf('<p>x</p>')).rejects.toThrow(/ended without writing a PDF; export HTML and print that instead/);
  });

  it('passes Chromium’s own complaint on when it fails', async () => {
    const fake = join(mkdtempSync(join(tmpdir(), 'crashwb-fake-chromium-')), 'chromium');
    writeFileSync(fake, '#!/bin/sh\necho "cannot open display" >&2\nexit 3\n');
    chmodSync(fake, 0o755);
    process.env.CRASHWB_CHROMIUM = fake;
    await expect(chromiumPdf('<p>x</p>')).rejects.toThrow(/could not print the report to PDF[\s\S]*cannot open display/);
  });
});
