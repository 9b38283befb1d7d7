import { z } from 'zod';
import type { CrashEvent, FacetCounts, GroupDetail, GroupListing, GroupPage, GroupQuery, Histogram, SimilarGroup, Trends } from '../model';
import { GROUP_SORTS, GROUP_STATUSES } from '../model';
import { groupId } from './fields';

/** Reading the groups: lists, facets, one group's detail, trends and histograms. */
export interface GroupsApi {
  /** Groups matching the query; with a page, one sorted window of them. */
  listGroups(query?: GroupQuery, page?: GroupPage): Promise<GroupListing>;
  /** Per facet, its values' counts among the crashes matching the rest of the query. */
  listFacets(query?: GroupQuery): Promise<FacetCounts>;
  listGroupEvents(groupId: number): Promise<CrashEvent[]>;
  getGroupDetail(groupId: number): Promise<GroupDetail>;
  /** Groups whose stacks are near this one's: merge suggestions, never applied by themselves. */
  similarGroups(groupId: number): Promise<SimilarGroup[]>;
  /** Crashes per day over the last `days` days, and the groups new or regressed in them. */
  getTrends(query: GroupQuery, days: number): Promise<Trends>;
  /** Values of one attribute (version, hostname, any custom one) among the matching crashes. */
  getHistogram(query: GroupQuery, attribute: string): Promise<Histogram>;
}

const isoTime = z
  .string()
  .max(40)
  .refine((t) => !Number.isNaN(Date.parse(t)), 'must be a date');
const facetValue = z.string().max(4096);

export const groupQuerySchema = z
  .object({
    text: z.string().max(1000).optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    executable: facetValue.optional(),
    version: facetValue.optional(),
    hostname: facetValue.optional(),
    signal: facetValue.optional(),
    status: z.enum(GROUP_STATUSES).optional(),
    attributes: z
      .record(z.string().min(1).max(256), facetValue)
      .refine((a) => Object.keys(a).length <= 16, 'at most 16 attribute filters')
      .optional(),
  })
  .strict();

export const groupPageSchema = z
  .object({
    sort: z.enum(GROUP_SORTS),
    desc: z.boolean(),
    offset: z.number().int().nonnegative().max(10_000_000),
    limit: z.number().int().positive().max(5_000),
  })
  .strict();

export const groupsCalls = {
  listGroups: z.union([z.tuple([]), z.tuple([groupQuerySchema]), z.tuple([groupQuerySchema, groupPageSchema])]),
  listFacets: z.union([z.tuple([]), z.tuple([groupQuerySchema])]),
  listGroupEvents: z.tuple([groupId]),
  getGroupDetail: z.tuple([groupId]),
  similarGroups: z.tuple([groupId]),
  getTrends: z.tuple([groupQuerySchema, z.number().int().min(1).max(366)]),
  getHistogram: z.tuple([groupQuerySchema, z.string().min(1).max(256)]),
} satisfies Record<keyof GroupsApi, z.ZodTypeAny>;
