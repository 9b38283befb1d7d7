#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');
const vm = require('node:vm');

const built = path.join(__dirname, '..', 'out', 'cli', 'crashwb.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write('crashwb: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}

// gdb's start-up is the longest wait of `crashwb analyze`: it is started before the bundle loads.
require(path.join(__dirname, '..', 'out', 'cli', 'early-gdb.cjs')).startEarlyGdb(process.argv.slice(2));

// The bundle is compiled with V8's code cache, kept beside it per Node version: compiling it
// again on every command cost ~20 ms of each start. V8 checks the cache against the source and
// ignores one that does not fit, which is then written again.
const cacheFile = `${built}.${process.version}.v8cache`;
const source = fs.readFileSync(built, 'utf8');
let cached;
try {
  cached = fs.readFileSync(cacheFile);
} catch {
  cached = undefined; // no cache yet: this run writes it
}
// The bundle holds no import(): it is built with require() for the modules it leaves outside.
const script = new vm.Script(Module.wrap(source), { filename: built, cachedData: cached });
const bundle = new Module(built, require.main);
bundle.filename = built;
bundle.paths = Module._nodeModulePaths(path.dirname(built));
Module._cache[built] = bundle;
if (cached === undefined || script.cachedDataRejected) {
  // Written at exit, so the functions this command compiled are in it too.
  process.once('exit', () => {
    const temporary = `${cacheFile}.${process.pid}`;
    try {
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      // A read-only install keeps working without the cache, only slower to start.
      fs.rmSync(temporary, { force: true });
    }
  });
}
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(built), bundle, built, path.dirname(built));
