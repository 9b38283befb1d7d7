import { parseArgs } from 'node:util';
import { defaultDatabasePath } from '../core/paths';
import { UsageError } from './usage-error';

/** `crashwb serve`: the workbench UI and API on loopback, until interrupted. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, db: { type: 'string' }, host: { type: 'string' } },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${values.port}`);
  const { startServer } = await import('../server/server');
  const server = await startServer({ port, databasePath: values.db ?? defaultDatabasePath(), host: values.host });
  process.stdout.write(`Crash Workbench is at ${server.url}\n(only this machine can reach it; the token in the URL is required)\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => undefined);
}
