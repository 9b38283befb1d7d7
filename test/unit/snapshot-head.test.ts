import { describe, expect, it } from 'vitest';
import { isSnapshotHead, SNAPSHOT_FORMAT } from '../../src/shared/reporter-protocol';

describe('recognising a snapshot by its first bytes', () => {
  it.each([
    `{"format":"${SNAPSHOT_FORMAT}","coreSha256":`,
    `{ "format": "${SNAPSHOT_FORMAT}", "coreSha256":`,
    `{\n  "format" :\t"${SNAPSHOT_FORMAT}"`,
    JSON.stringify({ format: SNAPSHOT_FORMAT, coreSha256: 'a' }, null, 2),
  ])('takes %j, whatever JSON whitespace its writer used, as the reporter does', (head) => expect(isSnapshotHead(head)).toBe(true));

  it.each([
    `{"format":"crashwb-snapshot/2"}`,
    `{"coreSha256":"a","format":"${SNAPSHOT_FORMAT}"}`,
    `["format","${SNAPSHOT_FORMAT}"]`,
    `{"format":`,
    '',
  ])('refuses %j', (head) => expect(isSnapshotHead(head)).toBe(false));
});
