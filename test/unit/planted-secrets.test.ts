import { describe, expect, it } from 'vitest';
import { maintainedSecrets } from '../../src/core/report/maintained-secrets';
import { redactReport, textsOf } from '../../src/core/report/redact-report';
import { DEFAULT_REDACTION } from '../../src/core/report/redactor';
import type { ReportData } from '../../src/core/report/report-data';

/**
 * Secrets as real files hold them, planted where a hostile or careless crash puts text in a
 * report: the source snippet beside a frame (a file the crash names) and free text (notes,
 * warnings). Each must be gone from the redacted report, and named in the preview's list.
 */
const SNIPPETS: Record<string, { lines: string[]; secrets: string[] }> = {
  'an OpenSSH private key, body and all': {
    lines: [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBKqZ4iPlaTN0BzCvl3CE6vc1DPJk5kXn0aGQxXRBG0cQAAAJgy7KkvMuyp',
      '-----END OPENSSH PRIVATE KEY-----',
    ],
    secrets: [
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBKqZ4iPlaTN0BzCvl3CE6vc1DPJk5kXn0aGQxXRBG0cQAAAJgy7KkvMuyp',
    ],
  },
  'a private key whose BEGIN line is outside the snippet': {
    lines: [
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
    ],
    secrets: [
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
    ],
  },
  'AWS credentials': {
    lines: ['[default]', 'aws_access_key_id = AKIAQ3EGVP4ZXK7JH2MN', 'aws_secret_access_key = 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'],
    secrets: ['AKIAQ3EGVP4ZXK7JH2MN', 'Tq7vR2pL9sX4kW8nB3mC6fH1jD5gA0zE/yU+iO2e', 'Tq7vR2pL9sX4kW8n'],
  },
  'a .netrc': {
    lines: ['machine api.example.com', '  login deploy', '  password Pl4ntedNetrcPw'],
    secrets: ['Pl4ntedNetrcPw'],
  },
  'shadow lines': {
    lines: ['root:$y$j9T$Pl4ntedSaltQ1w2$Pl4ntedHashZ9x8c7v6b5n4m3:19700:0:99999:7:::', 'daemon:*:19700:0:99999:7:::'],
    secrets: ['Pl4ntedSaltQ1w2', 'Pl4ntedHashZ9x8c7v6b5n4m3'],
  },
  'a config file with a db_password': {
    lines: ['[database]', 'host = db.internal', 'db_password = Pl4ntedDbPass', 'DB_PASSWORD=Pl4ntedEnvPass'],
    secrets: ['Pl4ntedDbPass', 'Pl4ntedEnvPass'],
  },
  'an environment block': {
    lines: ['HOME=/root', 'SESSION_COOKIE=Pl4ntedCookieValue', 'LANG=C', 'INTERNAL_API=Pl4ntedInternal'],
    secrets: ['Pl4ntedCookieValue', 'Pl4ntedInternal'],
  },
  'a GCP service account': {
    lines: [
      '{',
      '  "type": "service_account",',
      '  "private_key_id": "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",',
      '  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n",',
    ],
    secrets: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'],
  },
  'an Azure storage connection string': {
    lines: [
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Pl4ntedAzureKeyXyZ0123456789abcdefGHIJ==;EndpointSuffix=core.windows.net',
    ],
    secrets: ['Pl4ntedAzureKeyXyZ0123456789abcdefGHIJ=='],
  },
  'tokens in code': {
    lines: [
      'const char *gh = "ghp_Pl4ntedGithubToken0123456789abcdefAB";',
      'const char *slack = "xoxb-123456789012-1234567890123-Pl4ntedSlackTok";',
      'auth("Bearer Pl4ntedBearerTokenValue");',
      'jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQbDRudGVkIn0.Pl4ntedJwtSignature0";',
    ],
    secrets: ['ghp_Pl4ntedGithubToken0123456789abcdefAB', 'Pl4ntedSlackTok', 'Pl4ntedBearerTokenValue', 'Pl4ntedJwtSignature0'],
  },
};

const NOTES = [
  'Customer pasted: password=Pl4ntedNotePass and their ~/.netrc: machine x login y password Pl4ntedNoteNetrc',
  'curl -H "Authorization: Bearer Pl4ntedNoteBearer01" https://user:Pl4ntedUrlPass@api.example.com/',
].join('\n');

function report(): ReportData {
  const frames = Object.values(SNIPPETS).map((s, index) => ({
    index,
    address: '0x1000',
    function: `frame_${index}`,
    file: `/src/f${index}.c`,
    line: 1,
    module: null,
    inline: false,
    source: { path: `/src/f${index}.c`, firstLine: 1, lines: s.lines },
  }));
  const thread = { number: 1, name: null, crashed: true, frames };
  return {
    kind: 'crash',
    title: 'Crash',
    generatedAt: '2026-01-01T00:00:00Z',
    redactions: {},
    redacted: false,
    crash: {
      signal: { explanation: 'SIGSEGV' },
      executable: '/usr/bin/app',
      version: null,
      host: null,
      commandLine: 'app',
      environment: [],
      crashingThread: thread,
      threads: [thread],
      modules: [],
      attributes: {},
      warnings: [],
      analysisError: null,
    },
    group: null,
    notes: { text: NOTES, ticket: null },
  } as unknown as ReportData;
}

describe('redaction of a corpus of planted secrets', () => {
  it('leaves none of them in the report, keeps each snippet’s line count, and names each removal', async () => {
    const raw = report();
    const { data, removed } = redactReport(raw, DEFAULT_REDACTION, await maintainedSecrets(textsOf(raw)));
    const text = JSON.stringify(data);
    const named = removed.map((r) => r.text).join('\n');
    for (const [index, [what, { lines, secrets }]] of Object.entries(SNIPPETS).entries()) {
      const frame = data.crash.threads[0]?.frames[index];
      expect(frame?.source?.lines, what).toHaveLength(lines.length);
      for (const secret of secrets) {
        expect(text, `${what}: ${secret}`).not.toContain(secret);
        expect(named, `${what}: the preview names ${secret}`).toContain(secret);
      }
    }
    for (const secret of ['Pl4ntedNotePass', 'Pl4ntedNoteNetrc', 'Pl4ntedNoteBearer01', 'Pl4ntedUrlPass']) {
      expect(data.notes?.text).not.toContain(secret);
      expect(named).toContain(secret);
    }
  });

  it('keeps code that only names secrets, and the ordinary lines around them', async () => {
    const raw = report();
    const code = ['  if (check_password(user, pw) != 0) {', '    password_len = strlen(pw);', '  }'];
    const thread = raw.crash.threads[0];
    if (thread?.frames[0]) thread.frames[0] = { ...thread.frames[0], source: { path: '/src/a.c', firstLine: 1, lines: code } };
    const { data } = redactReport(raw, DEFAULT_REDACTION, await maintainedSecrets(textsOf(raw)));
    expect(data.crash.threads[0]?.frames[0]?.source?.lines).toEqual(code);
    expect(data.crash.threads[0]?.frames.find((f) => f.function === 'frame_4')?.source?.lines[1]).toBe('daemon:*:19700:0:99999:7:::');
  });
});
