import { Workbench } from '../src/core/workbench';
import type { ExportFormat } from '../src/shared/model';

/** Times reports of a big group of the scale database in each format, redacted as they leave. */
export async function benchExport(databasePath: string): Promise<void> {
  const wb = new Workbench({ databasePath });
  try {
    const [group] = (await wb.listGroups({}, { sort: 'count', desc: true, offset: 0, limit: 1 })).groups;
    if (!group) throw new Error('the scale database has no groups');
    for (const format of ['md', 'html', 'json', 'pdf'] as ExportFormat[]) {
      const start = process.hrtime.bigint();
      const file = await wb.exportReport({ target: { kind: 'group', id: group.id }, format, redact: true });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      console.log(
        `export of a ${group.count}-crash group as ${format}: ${ms.toFixed(0)} ms, ${Math.round((file.base64.length * 3) / 4 / 1024)} KiB`,
      );
    }
  } finally {
    wb.close();
  }
}
