import type {
  CrashEvent,
  FacetCounts,
  GroupDetail,
  GroupListing,
  GroupPage,
  GroupQuery,
  Histogram,
  SimilarGroup,
  Trends,
} from '../../shared/model';
import type { GroupsApi } from '../../shared/services/groups';
import { similarGroups } from '../compare/similar-groups';
import { queryFacets } from '../store/crash-filter';
import type { Db } from '../store/database';
import { groupDetail } from '../store/group-detail';
import type { GroupStore } from '../store/group-store';
import type { GroupingRules } from '../store/grouping-rules';
import { histogram, trends } from '../store/trends';

/** Reading the groups: lists, facets, one group's detail, its neighbours, trends and histograms. */
export class GroupsService implements GroupsApi {
  constructor(
    private readonly db: Db,
    /** The groups' table itself, for what the store answers below the API (an arrival planted at a given time). */
    readonly store: GroupStore,
    private readonly rules: GroupingRules,
  ) {}

  async listGroups(query: GroupQuery = {}, page?: GroupPage): Promise<GroupListing> {
    return this.store.list(query, page);
  }

  async listFacets(query: GroupQuery = {}): Promise<FacetCounts> {
    return queryFacets(this.db, query);
  }

  async listGroupEvents(groupId: number): Promise<CrashEvent[]> {
    return this.store.events(groupId);
  }

  /** Every crash's arrival, newest first, over all groups: for the CLI's `events`, in the same process. */
  listEvents(): CrashEvent[] {
    return this.store.events();
  }

  async getGroupDetail(groupId: number): Promise<GroupDetail> {
    return groupDetail(this.db, groupId);
  }

  async similarGroups(groupId: number): Promise<SimilarGroup[]> {
    return similarGroups(this.db, groupId, this.rules.rulesForCrashes());
  }

  async getTrends(query: GroupQuery, days: number): Promise<Trends> {
    return trends(this.db, query, days);
  }

  async getHistogram(query: GroupQuery, attribute: string): Promise<Histogram> {
    return histogram(this.db, query, attribute);
  }

  /** Each group's own histogram of an attribute among the crashes matching the query: for the CLI's `groups --histogram`. */
  groupHistograms(query: GroupQuery, attribute: string, groupIds: number[]): Map<number, Histogram> {
    return this.store.histograms(query, attribute, groupIds);
  }
}
