import type { ImportsApi } from '../../../shared/services/imports';
import { api } from '../api';

/**
 * What the import panels ask for themselves (folder listings, S3 listings and credentials, the
 * reporters kept as sources): answers no other view shares, so they are held by the panel that asked.
 * The imports themselves run through the groups store, which shows their progress.
 */
export const importRequests: Pick<
  ImportsApi,
  'listDirectory' | 'listS3' | 'saveS3Credentials' | 'listReporterSources' | 'saveReporterSource' | 'removeReporterSource'
> = api;
