// One parse of the symbol file named on the command line, in a process of its own, so that no run pays for another's garbage.
import { readSymbolFile } from '../src/core/breakpad/sym-file';

async function main(path: string | undefined): Promise<void> {
  if (!path) throw new Error('usage: sym-parse-once.ts FILE.sym');
  const start = process.hrtime.bigint();
  const file = await readSymbolFile(path);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (file.problemCount !== 0 || file.functions.length === 0) throw new Error(`${path} read wrong: ${file.problemCount} problems`);
  process.stdout.write(JSON.stringify({ seconds, rssMiB: process.memoryUsage().rss / 1024 ** 2, functions: file.functions.length }));
}

void main(process.argv[2]);
