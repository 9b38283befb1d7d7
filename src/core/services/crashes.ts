import type { Crash, CrashSummary, OpenCoreRequest, ReanalyzeRequest } from '../../shared/model';
import type { CrashesApi } from '../../shared/services/crashes';
import type { Intake } from '../intake/intake';
import type { CrashStore } from '../store/crash-store';
import type { GroupStore } from '../store/group-store';

/** One crash at a time: opened from a core, read back with its group, analysed again. */
export class CrashesService implements CrashesApi {
  constructor(
    private readonly store: CrashStore,
    private readonly groups: GroupStore,
    private readonly intake: Intake,
    /** Named in "no crash" errors, so that a wrong --db shows. */
    private readonly databasePath: string,
  ) {}

  async openCore(request: OpenCoreRequest): Promise<Crash> {
    const crash = await this.intake.openCore(request);
    return { ...crash, groupId: this.groups.groupOf(crash.id).groupId };
  }

  async getCrash(id: string): Promise<Crash> {
    const crash = this.store.get(id);
    if (!crash) throw new Error(`no crash with id ${id} in ${this.databasePath}`);
    return { ...crash, groupId: this.groups.groupOf(id).groupId };
  }

  reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash> {
    return this.intake.reanalyzeCrash(id, request);
  }

  async listRecent(): Promise<CrashSummary[]> {
    return this.store.recent();
  }

  /** A crash id from its first hex digits, as people copy it from listings. */
  crashIdByPrefix(prefix: string): string {
    return this.store.idByPrefix(prefix);
  }
}
