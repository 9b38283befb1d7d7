import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures } from '../test/fixtures/crashers';
import { benchImportSpeed } from './import-speed';
const root = mkdtempSync(join(tmpdir(), 'crashwb-bench-'));
const f = buildFixtures(root);
benchImportSpeed(root, f);
