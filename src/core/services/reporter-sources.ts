import type { ReporterSourceInfo } from '../../shared/model';
import { lastSyncKey } from '../intake/reporter-pull';
import { reporterBase } from '../../shared/reporter-protocol';
import type { SecretStore } from '../s3/secrets';
import type { CrashStore } from '../store/crash-store';

const SOURCES = 'reporterSources';
const secretName = (url: string) => `reporter:${url}`;

/**
 * The reporters the workbench pulls from: their URLs in the settings, their tokens only in the
 * front door's secret store (Electron's safeStorage), never beside the URLs.
 */
export class ReporterSources {
  constructor(
    private readonly store: CrashStore,
    private readonly secrets: SecretStore | undefined,
  ) {}

  private urls(): string[] {
    return this.store.getSetting<string[]>(SOURCES, []);
  }

  async list(): Promise<ReporterSourceInfo[]> {
    return Promise.all(
      this.urls().map(async (url) => ({
        url,
        tokenSaved: this.secrets ? (await this.secrets.get(secretName(url))) !== null : false,
        lastSync: this.store.getSetting<string | null>(lastSyncKey(url), null),
      })),
    );
  }

  /** Adds a reporter (or updates its token); a null token keeps the one saved, if any. */
  async save(url: string, token: string | null): Promise<ReporterSourceInfo[]> {
    reporterBase(url);
    if (token !== null) {
      if (!this.secrets)
        throw new Error(
          'tokens are kept by the desktop app only (in the OS keychain through safeStorage); here, give the token with each sync',
        );
      await this.secrets.set(secretName(url), token);
    }
    if (!this.urls().includes(url)) this.store.setSetting(SOURCES, [...this.urls(), url]);
    return this.list();
  }

  async remove(url: string): Promise<ReporterSourceInfo[]> {
    await this.secrets?.set(secretName(url), null);
    this.store.setSetting(
      SOURCES,
      this.urls().filter((u) => u !== url),
    );
    return this.list();
  }

  /** The reporters' URLs, for use as symbol stores. */
  urlsKept(): string[] {
    return this.urls();
  }

  /** The token kept for a reporter, or null when none is. */
  async savedToken(url: string): Promise<string | null> {
    return this.secrets ? this.secrets.get(secretName(url)) : null;
  }

  /** The token to pull with: the one given, else the one saved for the URL. */
  async tokenFor(url: string, given: string | undefined): Promise<string> {
    if (given) return given;
    const saved = this.secrets ? await this.secrets.get(secretName(url)) : null;
    if (!saved) throw new Error(`no token is saved for ${url}: enter the project's token to sync`);
    return saved;
  }
}
