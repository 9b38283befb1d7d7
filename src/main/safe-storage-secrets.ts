import { safeStorage } from 'electron';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretStore } from '../core/s3/secrets';

/**
 * Secrets encrypted with Electron's safeStorage (the OS keychain: libsecret/kwallet on Linux,
 * Keychain on macOS, DPAPI on Windows), kept in a file of their own, never in the settings.
 */
export class SafeStorageSecrets implements SecretStore {
  constructor(private readonly file: string) {}

  private async all(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`cannot read the saved credentials in ${this.file}: ${(error as Error).message}`);
    }
  }

  async get(name: string): Promise<string | null> {
    const encrypted = (await this.all())[name];
    return encrypted ? safeStorage.decryptString(Buffer.from(encrypted, 'base64')) : null;
  }

  async set(name: string, value: string | null): Promise<void> {
    if (value !== null && !safeStorage.isEncryptionAvailable()) {
      throw new Error('the OS keychain is not available, so credentials are not saved; use AWS_PROFILE or the environment instead');
    }
    const secrets = await this.all();
    if (value === null) delete secrets[name];
    else secrets[name] = safeStorage.encryptString(value).toString('base64');
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(`${this.file}.tmp`, JSON.stringify(secrets), { mode: 0o600 });
    await rename(`${this.file}.tmp`, this.file);
  }
}
