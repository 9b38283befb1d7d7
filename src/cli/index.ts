import { UsageError } from './usage-error';
import { mark } from '../core/platform/timeline';
import { guardStdout } from './terminal-text';

const HELP = `crashwb — Crash Workbench on the command line

Usage:
  crashwb analyze CORE [--exe FILE] [SYMBOL OPTIONS] [--debugger gdb|lldb] [--json]
      Read a core, find its program and debug info, extract every thread with a debugger.
  crashwb import [--db FILE] [--exe FILE] [SYMBOL OPTIONS] [--debugger gdb|lldb] [--jobs N] [--attr K=V]... [--json] PATH... | s3://BUCKET[/PREFIX] [--endpoint URL] [--region R] [--path-style] | reporter+http://HOST:PORT --token T
      Analyse crashes with a pool of debuggers, group them and store them: core files, minidumps,
      .gz/.zst/.xz/.lz4 cores, systemd-coredump files, apport .crash reports, AppScope crash
      directories, core-dump-handler zips, Node.js diagnostic reports (report.*.json) and what Go,
      Python's faulthandler or Node.js printed as they died (a saved stderr or log), alone or in
      folders walked recursively.
  crashwb events [--db FILE] [--json]
      Every stored crash, with its group and fingerprint.
  crashwb groups [--db FILE] [--search TEXT] [--since 7d] [--status new|ongoing|resolved|regressed] [--attr K=V]... [--histogram ATTR]... [--json]
      Every crash group, with its count, first and last crash, versions and hosts; --histogram
      adds the spread of an attribute (version, hostname, any custom one) under each group.
  crashwb trends [--db FILE] [--days N] [--json]
      Crashes per day over the last N days (30), and the groups new or regressed in them.
  crashwb compare [--db FILE] [--json] CRASH CRASH | --groups GROUP GROUP
      Two crashes or groups side by side: stacks aligned, differences, and why they are (not) one group.
  crashwb export [--db FILE] (--event ID | --group ID) --format md|html|json|pdf --out FILE [--no-redact]
                 [--redact-hosts] [--redact-ips] [--redact-key K]... [--redact-pattern REGEX]... [--preview]
      A report to send: summary, stacks with source, threads, registers, modules, attributes, notes.
      Environment values, secrets and home paths are removed first; --preview lists what would go.
  crashwb watch [--db FILE] [--settle-ms N] [SYMBOL OPTIONS] [--attr K=V]... DIR...
      Import what lands in the folders (/var/lib/systemd/coredump, /tmp/appview …) once it is complete.
  crashwb reporter --data DIR --token T [--port N] [--project NAME] [--max-mb N] | --config FILE
      Collect crashes over HTTP (PUT /api/v1/crashes, or multipart POST /api/upload) into DIR;
      with --config, into local disk or S3, for several projects (docs/reporter.md).
  crashwb upload --server URL --token T|--token-file FILE [--spool DIR] [--defaults FILE] [--config FILE]
                 [--snapshot] [--core always|unseen|never|max:MB] [--upload-libraries] PID EXE TIME SIGNAL HOST | --drain
      As core_pattern pipe handler: spool the core from stdin, then send it (and what the spool kept).
      Each module's build-id and package go with it. --snapshot analyses the core on this host first
      (bounded in time and memory) and sends that analysis; --core says when the core follows it
      (unseen: only for a fingerprint the reporter has not seen). --upload-libraries sends the
      program's own libraries the reporter lacks. --config FILE holds these, and routes to projects
      by executable pattern (docs/reporter.md).
  crashwb agent --server URL --token T|--token-file FILE [--spool DIR] [--config FILE] [--interval-s N]
      Stay resident and send what the spool kept, every N seconds (60), until stopped.
  crashwb install-handler (--server URL --token T|--token-file FILE [--spool DIR] | --config FILE) [--apply | --uninstall]
      Show the core_pattern line for crashwb upload; --apply (root) sets it, --uninstall restores the old one.
  crashwb upload-symbols --server URL --token T|--token-file FILE [--sources DIR]... [--dry-run] FILE|DIR...
      Send executables, libraries and debug files (by build-id) and Breakpad .sym files (by debug
      file and id) to a reporter's symbol store; only those it lacks are sent. --sources sends the build's source tree too, for the source view.
  crashwb symbols [--clear] [--json]
      The symbol cache: where it is, its size and limit; --clear empties it.
  crashwb reprocess [--db FILE] [--missing-symbols] [--group ID] [SYMBOL OPTIONS] [--json]
      Analyse stored crashes again (those whose program lacked debug info or whose libraries were
      not found, with --missing-symbols), with what is searched now, and regroup them; notes and
      merges stay.
  crashwb regroup [--db FILE]
      Recompute fingerprints made by an older version of the algorithm.
  crashwb explain [--db FILE] [--rules FILE] [--json] CRASH
      How a crash's fingerprint came about, frame by frame: which rule counted or dropped each frame.
  crashwb rules show [--db FILE] [--project NAME | --default] | check [--db FILE] [--project NAME] [--json] FILE
                | set [--db FILE] [--project NAME] FILE|--default | projects [--db FILE]
      The grouping rules (one rule a line, as Sentry's stack trace rules: stack.function:NAME -group).
      check reports a file's errors by line, or which stored groups it would merge and split,
      changing nothing; set makes the file the database's rules and regroups every crash by it,
      keeping notes, statuses and manual merges (docs/grouping-rules.md). --project NAME: the rules
      of the crashes whose attribute project is NAME (--attr project=NAME, or their reporter's);
      a project without rules of its own follows the database's.
  crashwb undo [--db FILE] ID
      Undo a grouping change by the id it printed (new rules, a merge, a move-out, a status).
  crashwb serve [--port N] [--db FILE]
      Serve the workbench UI and API on 127.0.0.1 with a token; open the URL it prints.
  crashwb --help
      This text.

SYMBOL OPTIONS (where a crash's program, libraries and debug info are, when not at the recorded paths):
  --solib-dir DIR       the executable and libraries, by file name or DIR/.build-id/ab/cdef…; a file
                        is used only when its build-id is the core's (repeatable)
  --sysroot DIR         a copy of the crashed machine's root: recorded paths are looked up under DIR
  --debug-dir DIR       debug files, by build-id (DIR/.build-id/ab/cdef….debug); /usr/lib/debug too
  --symbol-server URL   a debuginfod server or a crashwb reporter, asked by build-id (repeatable);
                        the servers in DEBUGINFOD_URLS are asked too
  --symbol-token T      the token for the --symbol-server(s) given (a reporter's project token)
Fetched files are kept in the symbol cache (~/.cache/crash-workbench/symbols, or $CRASHWB_SYMBOL_CACHE);
a server that does not answer is given up on after 4 s, and the whole look-up after 10 s.
--db defaults to the desktop app's database (~/.config/Crash Workbench/workbench.db).`;

/** A command's own lines of HELP: its usage and what it does. */
function usageOf(command: string): string | null {
  const lines = HELP.split('\n');
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (line.startsWith('  crashwb ')) inside = line.startsWith(`  crashwb ${command} `) || line === `  crashwb ${command}`;
    else if (!line.startsWith('   ')) inside = false;
    if (inside) out.push(line);
  }
  if (!out.length) return null;
  // A command that takes the symbol options explains them too.
  const symbols = out.some((l) => l.includes('[SYMBOL OPTIONS]'))
    ? `\n\n${HELP.slice(HELP.indexOf('SYMBOL OPTIONS ('), HELP.indexOf('\n--db defaults'))}`
    : '';
  return `Usage:\n${out.join('\n')}${symbols}`;
}

type Command = (argv: string[]) => Promise<number>;

/**
 * Each command's module is loaded when it runs, not before: `crashwb analyze` starts its
 * debugger without first initialising the database, the server and the reports.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  analyze: async () => (await import('./analyze-command')).analyzeCommand,
  serve: async () => (await import('./serve-command')).serveCommand,
  import: async () => (await import('./import-commands')).importCommand,
  events: async () => (await import('./import-commands')).eventsCommand,
  groups: async () => (await import('./import-commands')).groupsCommand,
  regroup: async () => (await import('./import-commands')).regroupCommand,
  export: async () => (await import('./report-commands')).exportCommand,
  compare: async () => (await import('./report-commands')).compareCommand,
  trends: async () => (await import('./report-commands')).trendsCommand,
  watch: async () => (await import('./watch-command')).watchCommand,
  reporter: async () => (await import('./reporter-commands')).reporterCommand,
  upload: async () => (await import('./upload-commands')).uploadCommand,
  agent: async () => (await import('./upload-commands')).agentCommand,
  'install-handler': async () => (await import('./install-handler')).installHandlerCommand,
  'upload-symbols': async () => (await import('./symbol-commands')).uploadSymbolsCommand,
  symbols: async () => (await import('./symbol-commands')).symbolsCommand,
  reprocess: async () => (await import('./symbol-commands')).reprocessCommand,
  explain: async () => (await import('./rules-commands')).explainCommand,
  rules: async () => (await import('./rules-commands')).rulesCommand,
  undo: async () => (await import('./rules-commands')).undoCommand,
};

export async function main(argv: string[]): Promise<number> {
  mark('cli started');
  const [command, ...rest] = argv;
  const usage = command ? usageOf(command) : null;
  if (usage && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const load = COMMANDS[command];
    if (!load) throw new UsageError(`unknown command ${command}`);
    return await (
      await load()
    )(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`crashwb: ${message}\n`);
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write('Run crashwb --help for usage.\n');
      return 2;
    }
    return 1;
  }
}

// `crashwb groups | head`: the reader has gone, which is no error of ours. Any other failure to
// write (a full disk, /dev/full) is said in one line, not as a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(
    `crashwb: cannot write the output: ${error.code ?? error.message} (${error.message}); free some space or write elsewhere\n`,
  );
  process.exit(1);
});

guardStdout();
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
