import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CORE_PATTERN, configHandlerLine, handlerLine, installHandler, SAVED_PATTERN, uninstallHandler } from '../agent/core-pattern';
import { readCaptureConfig } from '../agent/capture-plan';
import { UsageError } from './import-commands';

/**
 * `crashwb install-handler --server URL --token T [--spool DIR] [--apply | --uninstall]`: prints the
 * core_pattern line; --apply (as root) sets it and keeps the previous pattern; --uninstall restores it.
 */
/** What makes a core at all: the handler sees only the crashes the kernel dumps. */
const RUNTIME_SETTINGS = `A process leaves a core only where its limit allows one and its runtime dumps:
  every program       ulimit -c unlimited (LimitCORE=infinity in a systemd unit)
  Node.js             node --abort-on-uncaught-exception (a core on an uncaught exception)
  Go                  GOTRACEBACK=crash (a core on a panic; the default prints and exits)
  Python              python3 -X faulthandler (the Python stack on stderr beside the core)
`;

export async function installHandlerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      spool: { type: 'string' },
      config: { type: 'string' },
      apply: { type: 'boolean' },
      uninstall: { type: 'boolean' },
      // Where the kernel's setting and the saved one live; tests point them at temporary files.
      'core-pattern-file': { type: 'string' },
      'saved-file': { type: 'string' },
    },
  });
  const patternFile = values['core-pattern-file'] ?? CORE_PATTERN;
  const savedFile = values['saved-file'] ?? SAVED_PATTERN;
  if (values.uninstall) {
    const previous = await uninstallHandler(patternFile, savedFile);
    process.stdout.write(`restored core_pattern: ${previous.trim()}\n`);
    return 0;
  }
  // The kernel runs the handler with no PATH and no working directory: every path is absolute.
  const cli = resolve(join(__dirname, '..', '..', 'bin', 'crashwb.cjs'));
  let line: string;
  if (values.config) {
    // Read now, so a broken file is found here rather than at the next crash.
    const config = await readCaptureConfig(resolve(values.config));
    if (!config.server || !(config.token || config.tokenFile)) {
      throw new UsageError(`${values.config} needs "server" and "tokenFile" (or "token") for the handler to send anything`);
    }
    line = configHandlerLine(cli, resolve(values.config));
  } else {
    if (!values.server || !(values.token || values['token-file']))
      throw new UsageError(
        'install-handler needs --server URL and --token T (or --token-file FILE, which keeps it out of core_pattern), or --config FILE',
      );
    const token = values['token-file'] ? { file: resolve(values['token-file']) } : { token: values.token };
    line = handlerLine(cli, values.server, token, resolve(values.spool ?? '/var/spool/crashwb'));
  }
  if (!values.apply) {
    process.stdout.write(`${line}\n\nwrite it to ${CORE_PATTERN} (as root), or run again with --apply\n\n${RUNTIME_SETTINGS}`);
    return 0;
  }
  await installHandler(line, patternFile, savedFile);
  process.stdout.write(`core_pattern set; the previous one is kept in ${savedFile} for --uninstall\n\n${RUNTIME_SETTINGS}`);
  return 0;
}
