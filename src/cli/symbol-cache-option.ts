import { SymbolCache, defaultSymbolCacheDir, DEFAULT_CACHE_MB } from '../core/symbols/symbol-cache';
import { UsageError } from './usage-error';

/** The symbol cache the command line uses: $CRASHWB_SYMBOL_CACHE, limited to $CRASHWB_SYMBOL_CACHE_MB. */
export function cliSymbolCache(env: NodeJS.ProcessEnv = process.env): SymbolCache {
  const limitMb = Number(env.CRASHWB_SYMBOL_CACHE_MB ?? DEFAULT_CACHE_MB);
  if (!Number.isFinite(limitMb) || limitMb <= 0) {
    throw new UsageError(`CRASHWB_SYMBOL_CACHE_MB must be a number of MiB, not ${env.CRASHWB_SYMBOL_CACHE_MB}`);
  }
  return new SymbolCache(defaultSymbolCacheDir(env), limitMb * 1024 * 1024);
}
