/**
 * Settings that keep gdb from running anything that comes with the program under analysis:
 * no init files (-nx), no auto-loaded scripts, no debuginfod prompts, no pager.
 */
const SAFE_INIT = [
  'set auto-load off',
  // Without the native target, run, start and attach have nothing to start a program with.
  'set auto-connect-native-target off',
  'set debuginfod enabled off',
  'set pagination off',
  'set height 0',
  'set width 0',
  'set confirm off',
  'set print pretty off',
  // gdb stops at what it takes for main, which for a Rust program changes with what it has read
  // (its index cache's `main`, or the DWARF's Rust main); past it, every stack goes to `_start`
  // as lldb's do, and the frames after `main` are marked for grouping to leave out.
  'set backtrace past-main on',
];

/** gdb's options for a session: no init files, and the safe settings before anything is loaded. */
export function gdbArguments(initCommands: string[] = []): string[] {
  return [...SAFE_INIT, ...initCommands].flatMap((c) => ['-iex', c]);
}

/** gdb's command line for a session spoken to over GDB/MI on its standard input and output. */
export function gdbMiArguments(initCommands: string[] = []): string[] {
  return ['-nx', '-q', '--interpreter=mi3', ...gdbArguments(initCommands)];
}
