import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReporterOptions } from '../reporter/server';
import { UsageError } from './import-commands';

/**
 * `crashwb reporter --port N --data DIR --token T [--project NAME] [--max-mb N]`, or
 * `crashwb reporter --config FILE [--port N] [--host H]` for S3 storage and several projects.
 */
export async function reporterCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      token: { type: 'string', multiple: true },
      project: { type: 'string' },
      'max-mb': { type: 'string' },
    },
  });
  const { startReporter } = await import('../reporter/server');
  let options: Omit<ReporterOptions, 'port'> & { port?: number };
  if (values.config) {
    if (values.data || values.token || values.project || values['max-mb'])
      throw new UsageError(
        'with --config, the storage, projects, tokens and limits come from the file; give only --port or --host beside it',
      );
    const { loadReporterConfig } = await import('../reporter/config');
    options = await loadReporterConfig(resolve(values.config));
  } else {
    if (!values.data) throw new UsageError('reporter needs --data DIR (where crashes are stored) or --config FILE');
    if (!values.token?.length) throw new UsageError('reporter needs --token T (the token uploaders send)');
    const { LocalStorage } = await import('../reporter/local-storage');
    const maxMb = values['max-mb'] === undefined ? undefined : Number(values['max-mb']);
    if (maxMb !== undefined && !(maxMb > 0)) throw new UsageError('--max-mb takes a positive number');
    options = {
      storage: new LocalStorage(resolve(values.data)),
      projects: [{ name: values.project ?? 'default', tokens: values.token }],
      maxBytes: maxMb === undefined ? undefined : maxMb * 1024 * 1024,
    };
  }
  const port = values.port === undefined ? (options.port ?? 8088) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a port number');
  const reporter = await startReporter({ ...options, port, host: values.host ?? options.host });
  process.stdout.write(
    `${JSON.stringify({
      time: new Date().toISOString(),
      event: 'listening',
      url: reporter.url,
      storage: options.storage.description,
      projects: options.projects.map((p) => p.name),
    })}\n`,
  );
  return new Promise<number>((done) => {
    const stop = (): void => void reporter.close().then(() => done(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
