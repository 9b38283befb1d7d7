import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Turns a self-contained HTML report into PDF bytes: Electron's printToPDF in the app, headless Chromium elsewhere. */
export type PdfRenderer = (html: string) => Promise<Buffer>;

const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
const PDF_TIMEOUT_MS = 60_000;

async function findChromium(): Promise<string> {
  const candidates = process.env.CRASHWB_CHROMIUM ? [process.env.CRASHWB_CHROMIUM] : CHROMIUMS;
  for (const path of candidates) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new Error(
    `PDF export needs Chromium and none was found (${candidates.join(', ')}); install it (apt-get install chromium) or set CRASHWB_CHROMIUM to its path, or export HTML and print that`,
  );
}

/** Prints with a throwaway profile and no network; the report has no scripts and a CSP that loads nothing. */
export const chromiumPdf: PdfRenderer = async (html) => {
  const chromium = await findChromium();
  const dir = await mkdtemp(join(tmpdir(), 'crashwb-pdf-'));
  try {
    const input = join(dir, 'report.html');
    const output = join(dir, 'report.pdf');
    await writeFile(input, html);
    const args = [
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-pdf-header-footer',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--print-to-pdf=${output}`,
      // Chromium refuses to start as root with its sandbox; the page it prints is our own static HTML.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      pathToFileURL(input).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(chromium, args, { timeout: PDF_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `${chromium} could not print the report to PDF: ${error.killed ? `no answer in ${PDF_TIMEOUT_MS / 1000} s` : error.message}\n${stderr.slice(-500)}`,
            ),
          );
        else resolve();
      });
    });
    const pdf = await readFile(output).catch(() => null);
    if (!pdf || pdf.subarray(0, 5).toString() !== '%PDF-')
      throw new Error(`${chromium} ended without writing a PDF; export HTML and print that instead`);
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
