const REFUSED_MESSAGE =
  'is turned off in Crash Workbench: this session examines a core file, and starting or attaching to a program here could repeat what the crashed one did. Debug a live process outside the workbench.';

const SHELL_MESSAGE =
  "is turned off in Crash Workbench: it runs programs or scripts on this machine, which a crash's own files could lead it to. Use a terminal outside the workbench.";

/**
 * A debugger's own spellings, with their abbreviations, of the commands a console must not run:
 * those that start, attach to or connect to a process, and those that reach a shell or a
 * scripting language. Each debugger's backend holds its own (`gdb/refused-commands.ts`,
 * `lldb/refused-commands.ts`).
 */
export interface RefusedCommands {
  starters: readonly RegExp[];
  shells: readonly RegExp[];
}

/** The refusal for a command line, or null when it may run. */
export function refusedCommand(line: string, refused: RefusedCommands): string | null {
  const command = line.trim().replace(/\s+/g, ' ');
  const words = command.split(' ').slice(0, 2).join(' ');
  if (refused.shells.some((pattern) => pattern.test(command)))
    return `${words.startsWith('!') || words.startsWith('|') ? words.slice(0, 1) : words} ${SHELL_MESSAGE}`;
  if (!refused.starters.some((pattern) => pattern.test(command))) return null;
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
  constructor(
    private readonly refused: RefusedCommands,
    private readonly prompt = '',
  ) {}

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
        const refused = this.known ? refusedCommand(this.line, this.refused) : null;
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
