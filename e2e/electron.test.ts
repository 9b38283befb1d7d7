import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/** Where the electron package keeps its binary once it has been downloaded (on first npm start). */
function electronBinary(): string | null {
  const dir = join(process.cwd(), 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function nativeModulesForElectron(): boolean {
  const marker = join(process.cwd(), 'node_modules', '.crashwb-native-abi');
  return existsSync(marker) && readFileSync(marker, 'utf8').startsWith('electron-');
}

const binary = electronBinary();

describe('the desktop app', () => {
  it('starts with a sandboxed, isolated window and shows the open screen', async (context) => {
    // Skipped, not passed, where it cannot run: this test needs the real Electron binary, which
    // the electron package downloads on a user's first `npm start` and this CI machine cannot
    // fetch; and Electron-ABI native modules, which only `npm start` builds. The reason prints.
    if (!binary) {
      context.skip('no Electron binary here: npm start downloads it on first use, and this machine cannot reach the host');
      return;
    }
    if (!nativeModulesForElectron()) {
      context.skip('native modules are built for Node, not Electron; run npm start once to rebuild them');
      return;
    }
    const app = await electron.launch({
      executablePath: binary,
      args: [join(process.cwd(), 'out', 'main', 'index.js')],
      env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: '1' },
    });
    try {
      const window = await app.firstWindow();
      await window.getByRole('button', { name: 'Open core…' }).waitFor();
      expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => typeof (window as unknown as { crashwb?: unknown }).crashwb)).toBe('object');
    } finally {
      await app.close();
    }
  });
});
