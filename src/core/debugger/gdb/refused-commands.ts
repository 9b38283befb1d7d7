import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainTmpdir } from '../../platform/path-aliases';
import type { RefusedCommands } from '../live/refuse-start';

/** gdb's spellings of the commands its console refuses, abbreviations included (`r`, `tar rem`, `py`). */
export const GDB_REFUSED: RefusedCommands = {
  starters: [
    /^(r|ru|run|start|starti|at|att|atta|attac|attach)(\s|$)/,
    /^(tar|targ|targe|target)\s+(native|rem|remo|remot|remote|ext|extended-remote|extended-async)\b/,
  ],
  shells: [
    /^(she|shel|shell)(\s|$)/,
    /^[!|]/,
    /^(pipe|mak|make|ed|edi|edit)(\s|$)/,
    /^(py|pyt|pyth|pytho|python|python-interactive|pi|gu|gui|guil|guile|guile-repl|gr)(\s|$)/,
  ],
};

/**
 * gdb would happily start the crashed program from a core session (`run`, `start`), on this
 * machine, with whatever it does. These commands are replaced by ones that say why not; every
 * other command that needs a live process gets gdb's own answer ("The program is not being run.").
 */
const SCRIPT = `import gdb

STARTS = ("this session examines a core file, and starting the crashed program here could repeat what it did. "
          "Debug a live process outside the workbench.")
SHELLS = ("it runs programs or scripts on this machine, which a crash's own files could lead it to. "
          "Use a terminal outside the workbench.")

class Refused(gdb.Command):
    def __init__(self, name, why):
        super().__init__(name, gdb.COMMAND_RUNNING)
        self.refused = name
        self.why = why

    def invoke(self, argument, from_tty):
        raise gdb.GdbError(self.refused + " is turned off in Crash Workbench: " + self.why)

for name in ("run", "start", "starti", "attach", "target native", "target remote", "target extended-remote"):
    Refused(name, STARTS)

# Last, python itself: this script needs it no more once loaded.
for name in ("shell", "pipe", "make", "edit", "guile", "guile-repl", "python-interactive", "python"):
    Refused(name, SHELLS)
`;

/** Writes the script to a private temporary folder; `remove` deletes it. */
export function writeRefuseStartScript(): { path: string; remove(): void } {
  // Its path is written into gdb's `source` command: it must be plain, whatever TMPDIR says.
  const dir = mkdtempSync(join(plainTmpdir(), 'crashwb-gdb-'));
  const path = join(dir, 'refuse-start.py');
  writeFileSync(path, SCRIPT, { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
