import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainTmpdir } from '../../platform/path-aliases';

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

const REFUSED_MESSAGE =
  'is turned off in Crash Workbench: this session examines a core file, and starting or attaching to a program here could repeat what the crashed one did. Debug a live process outside the workbench.';

/**
 * Commands that start, attach to or connect to a process, in gdb's and lldb's spellings with
 * their abbreviations (lldb takes any unique prefix of a command word: `pro la`).
 */
const STARTERS: RegExp[] = [
  /^(r|ru|run|start|starti|at|att|atta|attac|attach)(\s|$)/,
  /^(tar|targ|targe|target)\s+(native|rem|remo|remot|remote|ext|extended-remote|extended-async)\b/,
  /^(gdb-remote|kdp-remote|process-launch)(\s|$)/,
  /^pro(c|ce|ces|cess)?\s+(l|la|lau|laun|launc|launch|a|at|att|atta|attac|attach|con|conn|conne|connec|connect)(\s|$)/,
  /^pla(t|tf|tfo|tfor|tform)?\s+(pro(c|ce|ces|cess)?\s+(l|la|lau|laun|launc|launch|a|at|att|atta|attac|attach)|sel|sele|selec|select|con|conn|conne|connec|connect)(\s|$)/,
];

const SHELL_MESSAGE =
  "is turned off in Crash Workbench: it runs programs or scripts on this machine, which a crash's own files could lead it to. Use a terminal outside the workbench.";

/**
 * Commands that reach a shell or a scripting language: gdb's shell, !, pipe, |, make, edit,
 * python and guile; lldb's shell, platform shell, script and command script, with their
 * abbreviations.
 */
const SHELLS: RegExp[] = [
  /^(she|shel|shell)(\s|$)/,
  /^[!|]/,
  /^(pipe|mak|make|ed|edi|edit)(\s|$)/,
  /^(py|pyt|pyth|pytho|python|python-interactive|pi|gu|gui|guil|guile|guile-repl|gr)(\s|$)/,
  /^(scr|scri|scrip|script)(\s|$)/,
  /^com(m|ma|man|mand)?\s+(scr|scri|scrip|script)(\s|$)/,
  /^pla(t|tf|tfo|tfor|tform)?\s+(sh|she|shel|shell)(\s|$)/,
];

/** The refusal for a command line, or null when it may run. */
export function refusedCommand(line: string): string | null {
  const command = line.trim().replace(/\s+/g, ' ');
  const words = command.split(' ').slice(0, 2).join(' ');
  if (SHELLS.some((pattern) => pattern.test(command)))
    return `${words.startsWith('!') || words.startsWith('|') ? words.slice(0, 1) : words} ${SHELL_MESSAGE}`;
  if (!STARTERS.some((pattern) => pattern.test(command))) return null;
  return `${words} ${REFUSED_MESSAGE}`;
}

/**
 * Follows what is typed into a console, line by line, and holds back a line that would start or
 * attach to a program. Editing it cannot follow (history, completion, cursor moves) makes the
 * line unknown; such a line goes through, and the debugger's own setup (no native target for
 * gdb, an unconnected remote platform for lldb) makes starting fail there.
 */
export class StartGuard {
  private line = '';
  private known = true;

  /** `prompt` is the debugger's own, shown again after a refusal so the line reads as it would. */
  constructor(private readonly prompt = '') {}

  /** Passes keystrokes on to the debugger, and shows a refusal on screen in place of a held-back line. */
  forward(data: string, debuggerInput: { write(data: string): void }, screen: (text: string) => void): void {
    const { pass, refusal } = this.take(data);
    debuggerInput.write(pass);
    if (refusal) screen(`\r\n${refusal}\r\n${this.prompt}`);
  }

  /** Splits keystrokes into what goes to the debugger and a refusal to show instead of a held-back line. */
  take(data: string): { pass: string; refusal: string | null } {
    let pass = '';
    let refusal: string | null = null;
    for (let i = 0; i < data.length; i++) {
      const ch = data[i] as string;
      if (ch === '\r' || ch === '\n') {
        const refused = this.known ? refusedCommand(this.line) : null;
        if (refused) {
          // Ctrl-U empties the debugger's line; Enter is never sent, so nothing runs.
          pass += '\x15';
          refusal = refused;
        } else pass += ch;
        this.line = '';
        this.known = true;
        continue;
      }
      pass += ch;
      if (ch === '\x7f' || ch === '\b') this.line = this.line.slice(0, -1);
      else if (ch === '\x15' || ch === '\x03') {
        this.line = '';
        this.known = true;
      } else if (ch < ' ') this.known = false;
      else this.line += ch;
    }
    return { pass, refusal };
  }
}
