import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures } from '../test/fixtures/crashers';
import { benchOpenSpeed } from './open-speed';
const root = mkdtempSync(join(tmpdir(), 'crashwb-bench-'));
const f = buildFixtures(root);
void benchOpenSpeed(root, [f.nullDeref, f.workerThread, f.cpp]).then(() => process.exit(0));
