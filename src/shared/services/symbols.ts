import { z } from 'zod';
import type { ReprocessReport, ReprocessRequest, SymbolCacheInfo, SymbolServerInfo } from '../model';
import { groupId, serviceToken, symbolSearchShape, symbolServerUrl } from './fields';

/** Symbol servers, the symbol cache, and analysing again once symbols arrive. */
export interface SymbolsApi {
  /** Every symbol server analyses ask: the settings', the reporters' and DEBUGINFOD_URLS'. */
  listSymbolServers(): Promise<SymbolServerInfo[]>;
  /** Keeps a symbol server's token in the OS keychain (desktop app only); null forgets it. */
  saveSymbolServerToken(url: string, token: string | null): Promise<SymbolServerInfo[]>;
  getSymbolCache(): Promise<SymbolCacheInfo>;
  /** Empties the symbol cache; what it held is fetched again when needed. */
  clearSymbolCache(): Promise<SymbolCacheInfo>;
  /** Analyses stored crashes again (a group's, or those that lacked symbols) and regroups them. */
  reprocessCrashes(request: ReprocessRequest): Promise<ReprocessReport>;
}

export const symbolsCalls = {
  listSymbolServers: z.tuple([]),
  saveSymbolServerToken: z.tuple([symbolServerUrl, serviceToken.nullable()]),
  getSymbolCache: z.tuple([]),
  clearSymbolCache: z.tuple([]),
  reprocessCrashes: z.tuple([
    z.object({ ...symbolSearchShape, missingSymbols: z.boolean().optional(), groupId: groupId.optional() }).strict(),
  ]),
} satisfies Record<keyof SymbolsApi, z.ZodTypeAny>;
