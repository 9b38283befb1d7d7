import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * gdb would happily start the crashed program from a core session (`run`, `start`), on this
 * machine, with whatever it does. These commands are replaced by ones that say why not; every
 * other command that needs a live process gets gdb's own answer ("The program is not being run.").
 */
const SCRIPT = `import gdb

class Refused(gdb.Command):
    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_RUNNING)
        self.refused = name

    def invoke(self, argument, from_tty):
        raise gdb.GdbError(self.refused + " is turned off in Crash Workbench: this session examines a core file, "
                           "and starting the crashed program here could repeat what it did. Debug a live process outside the workbench.")

for name in ("run", "start", "starti", "attach"):
    Refused(name)
`;

/** Writes the script to a private temporary folder; `remove` deletes it. */
export function writeRefuseStartScript(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crashwb-gdb-'));
  const path = join(dir, 'refuse-start.py');
  writeFileSync(path, SCRIPT, { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
