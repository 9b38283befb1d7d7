import { readFile } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { drain, metadataDefaults, purge, spoolCore, type SpoolLimits } from '../agent/spool';
import { prepareCapture } from '../agent/capture';
import { parseCorePolicy, readCaptureConfig, routeFor, routeToken, snapshotOptions, type CaptureConfig } from '../agent/capture-plan';
import { sendCrashModules } from '../agent/symbol-upload';
import { UsageError } from './import-commands';

const SPOOL_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  spool: { type: 'string' },
  'min-free-mb': { type: 'string' },
  'purge-days': { type: 'string' },
  config: { type: 'string' },
} as const;

interface SpoolSettings {
  server: string;
  token: string;
  spool: string;
  limits: SpoolLimits;
  config: CaptureConfig;
}

const warn = (line: string): void => void process.stderr.write(`crashwb upload: ${line}\n`);

/** The token from --token, or from --token-file, which keeps it out of `ps` and core_pattern. */
export async function tokenOf(values: { token?: string; 'token-file'?: string }, command: string): Promise<string> {
  if (values.token) return values.token;
  if (!values['token-file']) throw new UsageError(`${command} needs --server URL and --token T (or --token-file FILE)`);
  const token = (
    await readFile(values['token-file'], 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read the token file ${values['token-file']}: ${error.message}`);
    })
  ).trim();
  if (!token) throw new UsageError(`the token file ${values['token-file']} is empty`);
  return token;
}

/** What `upload` and `agent` both take: where to send, the spool and its limits, and the capture configuration. */
async function spoolSettings(values: { [K in keyof typeof SPOOL_OPTIONS]?: string }, command: string): Promise<SpoolSettings> {
  const config = values.config ? await readCaptureConfig(values.config) : {};
  const limits: SpoolLimits = {
    minFreeBytes: Number(values['min-free-mb'] ?? 1024) * 1024 * 1024,
    purgeAfterMs: Number(values['purge-days'] ?? 7) * 86_400_000,
  };
  if (!Number.isFinite(limits.minFreeBytes) || !Number.isFinite(limits.purgeAfterMs))
    throw new UsageError('--min-free-mb and --purge-days take numbers');
  const server = values.server ?? config.server;
  if (!server) throw new UsageError(`${command} needs --server URL and --token T (or --token-file FILE), or a --config file with them`);
  const token = await tokenOf({ token: values.token ?? config.token, 'token-file': values['token-file'] ?? config.tokenFile }, command);
  return { server, token, spool: resolve(values.spool ?? config.spool ?? '/var/spool/crashwb'), limits, config };
}

/** Purges what is past its age, then sends the rest, each crash by its plan. */
async function purgeAndDrain(settings: SpoolSettings): Promise<{ sent: number; kept: number }> {
  const purged = await purge(settings.spool, settings.limits);
  if (purged)
    process.stderr.write(
      `crashwb: dropped ${purged} cores older than ${settings.limits.purgeAfterMs / 86_400_000} days from ${settings.spool}\n`,
    );
  return drain(
    settings.spool,
    {
      server: settings.server,
      token: (route) => routeToken(settings.config, route, settings.token),
      sendLibraries: async (token, modules) => {
        await sendCrashModules(settings.server, token, modules);
      },
    },
    warn,
  );
}

/**
 * `crashwb upload --server URL --token T [--spool DIR] PID EXE TIME SIGNAL HOST` as a kernel
 * core_pattern pipe handler (core on stdin), or `--drain` to send what the spool kept.
 */
export async function uploadCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...SPOOL_OPTIONS,
      drain: { type: 'boolean' },
      defaults: { type: 'string' },
      snapshot: { type: 'boolean' },
      core: { type: 'string' },
      'upload-libraries': { type: 'boolean' },
    },
  });
  const settings = await spoolSettings(values, 'upload');
  const policyText = values.core ?? settings.config.core ?? 'always';
  let core;
  try {
    core = parseCorePolicy(policyText);
  } catch (error) {
    throw new UsageError(`--core: ${(error as Error).message}`);
  }
  if (!values.drain) {
    const [pid = '', exe = '', time = '', signal = '', host = hostname()] = positionals;
    const name = await spoolCore(
      process.stdin,
      settings.spool,
      { ...(await metadataDefaults(values.defaults)), pid, executable: exe, timestamp: time, signal, hostname: host, uname: release() },
      settings.limits,
      warn,
    );
    const snapshot = snapshotOptions(settings.config, values.snapshot ?? false);
    if (name) {
      await prepareCapture(
        settings.spool,
        name,
        {
          plan: { core, uploadLibraries: values['upload-libraries'] ?? settings.config.uploadLibraries ?? false },
          snapshot,
          routeFor: (executable) => routeFor(settings.config, executable),
        },
        warn,
      );
    }
  }
  const { sent, kept } = await purgeAndDrain(settings);
  process.stdout.write(`sent ${sent}, kept in ${settings.spool}: ${kept}\n`);
  return kept > 0 ? 1 : 0;
}

/**
 * `crashwb agent --server URL (--token T | --token-file FILE) [--spool DIR] [--interval-s N]`: a small resident loop
 * that sends what the pipe handler had to keep (the reporter was down, the network was out),
 * every N seconds, until SIGTERM or SIGINT. A round that fails waits longer, up to 16 intervals.
 */
export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...SPOOL_OPTIONS, 'interval-s': { type: 'string' } } });
  const settings = await spoolSettings(values, 'agent');
  const interval = Number(values['interval-s'] ?? 60) * 1000;
  if (!(interval > 0)) throw new UsageError('--interval-s takes a positive number of seconds');
  const log = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  let stopping = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopping = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log({ event: 'started', spool: settings.spool, server: settings.server, intervalS: interval / 1000 });
  let failures = 0;
  while (!stopping) {
    try {
      const { sent, kept } = await purgeAndDrain(settings);
      if (sent || kept) log({ event: 'drained', sent, kept });
      failures = kept > 0 ? failures + 1 : 0;
    } catch (error) {
      failures++;
      log({ event: 'error', message: (error as Error).message });
    }
    const wait = interval * Math.min(16, 2 ** Math.max(0, failures - 1));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  log({ event: 'stopped' });
  return 0;
}
