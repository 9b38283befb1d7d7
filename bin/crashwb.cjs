#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const built = path.join(__dirname, '..', 'out', 'cli', 'crashwb.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write('crashwb: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}
require(built);
