import type { GroupsApi } from '../../../shared/services/groups';
import type { TriageApi } from '../../../shared/services/triage';
import { api } from '../api';

/**
 * The triage views' reads (trends, histograms, similar groups, a fingerprint's explanation, the
 * grouping rules and their check), each held by the view that asked. Changes to the groups go
 * through the groups store, which keeps them undoable.
 */
export const triageRequests: Pick<GroupsApi, 'getTrends' | 'getHistogram' | 'similarGroups'> &
  Pick<TriageApi, 'explainFingerprint' | 'getGroupingRules' | 'checkGroupingRules'> = api;

/** Whether any crash is stored: the app opens on the groups when there are some. */
export async function anyCrashStored(): Promise<boolean> {
  return (await api.listGroups({}, { sort: 'lastSeen', desc: true, offset: 0, limit: 1 })).total > 0;
}
