import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CoreInfo } from '../core/elf/core-file';
import type { ModuleFact } from '../shared/reporter-protocol';

const run = promisify(execFile);
const TOOL_TIMEOUT_MS = 10_000;

/** A tool's output, or null when it is not installed, fails outright or takes too long. */
async function output(command: string, args: string[]): Promise<string | null> {
  try {
    return (await run(command, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 8 << 20 })).stdout;
  } catch (error) {
    // dpkg-query and rpm exit 1 when some paths have no owner, and still print the others.
    const e = error as { code?: unknown; stdout?: string };
    return typeof e.code === 'number' && e.stdout ? e.stdout : null;
  }
}

/** The other spelling of a path on a merged-/usr system (/usr/lib/x → /lib/x), which dpkg may know it by. */
const otherSpelling = (path: string): string | null =>
  /^\/usr\/(lib|lib64|lib32|bin|sbin)\//.test(path) ? path.slice(4) : /^\/(lib|lib64|lib32|bin|sbin)\//.test(path) ? `/usr${path}` : null;

/** Which package owns each path, with its version: dpkg where there is dpkg, rpm where there is rpm. */
export async function packageOwners(paths: string[]): Promise<Map<string, { package: string; version: string }>> {
  const owners = new Map<string, { package: string; version: string }>();
  if (paths.length === 0) return owners;
  const dpkg = await output('dpkg-query', ['-S', ...paths]);
  if (dpkg !== null) {
    const packageOf = new Map<string, string>();
    for (const line of dpkg.split('\n')) {
      const m = /^([^\s:,]+)(?::[^\s:,]+)?(?:, [^:]+)?: (\/.*)$/.exec(line);
      if (m?.[1] && m[2]) packageOf.set(m[2], m[1]);
    }
    const names = [...new Set(packageOf.values())];
    const versions = new Map<string, string>();
    const listed = names.length ? await output('dpkg-query', ['-W', '-f=${Package} ${Version}\\n', ...names]) : '';
    for (const line of (listed ?? '').split('\n')) {
      const [name, version] = line.split(' ');
      if (name && version) versions.set(name, version);
    }
    for (const [path, name] of packageOf) owners.set(path, { package: name, version: versions.get(name) ?? '' });
    return owners;
  }
  const rpm = await output('rpm', ['-qf', '--qf', '%{NAME} %{VERSION}-%{RELEASE}\\n', ...paths]);
  if (rpm !== null) {
    rpm.split('\n').forEach((line, i) => {
      const m = /^(\S+) (\S+)$/.exec(line);
      const path = paths[i];
      if (m?.[1] && m[2] && path && !line.includes(' not owned ')) owners.set(path, { package: m[1], version: m[2] });
    });
  }
  return owners;
}

/** Each mapped program and library of a core: path, build-id and, where the host can tell, its package. */
export async function moduleFacts(core: CoreInfo): Promise<ModuleFact[]> {
  const modules = core.modules.filter((m) => m.buildId !== null || m.path === core.executablePath);
  const names = (m: (typeof modules)[number]) => [m.path, ...m.loadedAs, otherSpelling(m.path)].filter((p): p is string => p !== null);
  const owners = await packageOwners([...new Set(modules.flatMap(names))]);
  return modules.map((m) => {
    const owner = names(m)
      .map((p) => owners.get(p))
      .find((o) => o !== undefined);
    return { path: m.path, buildId: m.buildId, ...(owner ? { package: owner.package, version: owner.version } : {}) };
  });
}
