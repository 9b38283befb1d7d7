import type { S3Credentials } from './s3-location';

/** Where a front door keeps secrets: Electron's safeStorage in the desktop app; none elsewhere. */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string | null): Promise<void>;
}

const nameFor = (endpoint: string | undefined): string => `s3:${endpoint ?? 'aws'}`;

export async function savedCredentials(secrets: SecretStore | undefined, endpoint: string | undefined): Promise<S3Credentials> {
  if (!secrets)
    throw new Error('saved credentials are kept by the desktop app only; here, use AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  const text = await secrets.get(nameFor(endpoint));
  if (!text) throw new Error(`no credentials are saved for ${endpoint ?? 'AWS'}; enter them in the S3 panel first`);
  const parsed = JSON.parse(text) as S3Credentials;
  return parsed;
}

export async function saveCredentials(
  secrets: SecretStore | undefined,
  endpoint: string | undefined,
  credentials: S3Credentials | null,
): Promise<void> {
  if (!secrets)
    throw new Error(
      'credentials can be saved in the desktop app only (in the OS keychain through safeStorage); here, use AWS_PROFILE or the environment',
    );
  await secrets.set(nameFor(endpoint), credentials ? JSON.stringify(credentials) : null);
}
