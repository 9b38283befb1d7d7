import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_SOURCE_BYTES, MAX_SOURCES_PER_BUILD, MAX_SYMBOL_QUERY, REPORTER_PATHS, bearer } from '../shared/reporter-protocol';
import { call } from './symbol-upload';

/** What a debugger's line tables name: C, C++, Rust, Go, assembly and Zig sources and headers. */
const SOURCE_EXTENSIONS = new Set([
  '.c',
  '.h',
  '.cc',
  '.cpp',
  '.cxx',
  '.c++',
  '.hpp',
  '.hh',
  '.hxx',
  '.inl',
  '.ipp',
  '.tcc',
  '.rs',
  '.go',
  '.s',
  '.S',
  '.asm',
  '.zig',
]);

export interface SourceFile {
  path: string;
  sha256: string;
  size: number;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The source files under the folders, by their absolute paths (as the build's debug info names them); links are not followed. */
export async function findSources(dirs: string[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(path);
      } else if (entry.isFile() && SOURCE_EXTENSIONS.has(extname(entry.name))) {
        const size = (await stat(path)).size;
        if (size > MAX_SOURCE_BYTES) continue;
        if (out.length >= MAX_SOURCES_PER_BUILD) {
          throw new Error(`more than ${MAX_SOURCES_PER_BUILD} source files under ${dirs.join(', ')}: name the source tree of this build`);
        }
        out.push({ path, sha256: await sha256Of(path), size });
      }
    }
  };
  for (const dir of dirs) {
    const info = await stat(dir).catch((error: Error) => {
      throw new Error(`cannot read the source folder ${dir}: ${error.message}`);
    });
    if (!info.isDirectory()) throw new Error(`--sources takes a folder (the source tree the build was made from), not ${dir}`);
    await walk(resolve(dir));
  }
  return out;
}

export interface SourceUploadReport {
  files: number;
  sent: number;
  present: number;
}

/**
 * Sends a build's sources: the contents the store lacks (asked first, by sha256), then for each
 * build-id the paths it was built from, so `/buildid/ID/source/PATH` answers as debuginfod does.
 */
export async function uploadSources(server: string, token: string, sources: SourceFile[], buildIds: string[]): Promise<SourceUploadReport> {
  const base = server.replace(/\/+$/, '');
  const unique = [...new Map(sources.map((s) => [s.sha256, s])).values()];
  const missing = new Set<string>();
  for (let i = 0; i < unique.length; i += MAX_SYMBOL_QUERY) {
    const response = await call(
      `${base}${REPORTER_PATHS.missingSources}`,
      {
        method: 'POST',
        headers: { authorization: bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ sha256s: unique.slice(i, i + MAX_SYMBOL_QUERY).map((s) => s.sha256) }),
      },
      'asking which sources the reporter lacks',
    );
    for (const h of ((await response.json()) as { missing?: string[] }).missing ?? []) missing.add(h);
  }
  for (const source of unique.filter((s) => missing.has(s.sha256))) {
    await call(
      `${base}${REPORTER_PATHS.source(source.sha256)}`,
      {
        method: 'PUT',
        headers: { authorization: bearer(token), 'content-length': String(source.size) },
        body: Readable.toWeb(createReadStream(source.path)) as ReadableStream,
        duplex: 'half',
      },
      `sending ${source.path}`,
    );
  }
  const files = Object.fromEntries(sources.map((s) => [s.path, s.sha256]));
  for (const buildId of buildIds) {
    await call(
      `${base}${REPORTER_PATHS.sourceIndex(buildId)}`,
      { method: 'PUT', headers: { authorization: bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ files }) },
      `recording the sources of ${buildId}`,
    );
  }
  return { files: sources.length, sent: missing.size, present: unique.length - missing.size };
}
