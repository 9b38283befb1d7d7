// better-sqlite3 and node-pty are native: one build serves either Node (tests, CLI) or Electron
// (the app), never both. This switches them to what is about to run, and only when needed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const marker = join(root, 'node_modules', '.crashwb-native-abi');
const modules = ['better-sqlite3', 'node-pty'];
const target = process.argv[2];

function loadsInNode() {
  const probe = "require('better-sqlite3')(':memory:').close(); require('node-pty');";
  return spawnSync(process.execPath, ['-e', probe], { cwd: root, stdio: 'ignore' }).status === 0;
}

function gyp(args, cwd) {
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', ...args], { cwd, stdio: 'inherit' });
}

function rebuild(args, label) {
  for (const name of modules) {
    console.log(`Building ${name} for ${label}…`);
    gyp(args, join(root, 'node_modules', name));
  }
  writeFileSync(marker, label);
}

if (target === 'node') {
  if (!loadsInNode()) rebuild([], `node-${process.versions.modules}`);
} else if (target === 'electron') {
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const label = `electron-${version}`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== label) {
    rebuild([`--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], label);
  }
} else {
  console.error('usage: native-abi.mjs node|electron');
  process.exit(2);
}
