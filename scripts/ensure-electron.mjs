// npm runs no install scripts but the ones package.json allows, so Electron's own download of
// its binary (electron/install.js) does not happen at `npm install`. `npm start` runs it once,
// here, and says plainly what to do when the download cannot be made.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('electron/package.json'));
if (!existsSync(join(dir, 'path.txt'))) {
  console.log('Downloading the Electron binary (once)…');
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(join(dir, 'path.txt'))) {
    console.error(
      'Could not download Electron. Check the network (or set ELECTRON_MIRROR to a reachable mirror) and run npm start again. ' +
        'Without it, `npx crashwb serve` runs the same workbench in a browser.',
    );
    process.exit(1);
  }
}
