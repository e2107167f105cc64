/**
 * The alert manager of `gpr check` and `gpr serve`, built from environment variables so that a
 * scheduled job needs no code to alert: Slack, SendGrid email, and the rate limits shared in a bucket.
 * @module
 */
import {
  type AlertChannel,
  AlertConfigError,
  type AlertManager,
  createAlertManager,
  gcsRateLimitStore,
  type RateLimitStore,
  sendGridChannel,
  slackChannel,
} from '../../alerting/index.js';
import type { ConfigEnv } from '../../config/index.js';
import { cloudLoggingLogger } from '../../logging/index.js';
import { UsageError } from './args.js';

/** The variables read, in the order the README lists them. */
export const ALERT_VARIABLES = [
  'SLACK_WEBHOOK_URL',
  'SENDGRID_API_KEY',
  'ALERT_EMAIL_FROM',
  'ALERT_EMAIL_TO',
  'GPR_ALERT_BUCKET',
] as const;

const EMAIL_VARIABLES = ['SENDGRID_API_KEY', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'] as const;

function value(env: ConfigEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/**
 * The variable each option of a channel comes from: an option error is reported under it (its value
 * is never shown). The channels name the variables of their secrets themselves (`env.NAME`).
 */
const OPTION_VARIABLES: Readonly<Record<string, string>> = {
  from: 'ALERT_EMAIL_FROM',
  to: 'ALERT_EMAIL_TO',
  bucket: 'GPR_ALERT_BUCKET',
};

/** `make()`, with an option error reported under the variable it came from. */
function fromVariables<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof AlertConfigError)) throw error;
    const [head = ''] = error.field.split(/[.[]/);
    const variable = error.field.startsWith('env.') ? error.field.slice(4) : OPTION_VARIABLES[head];
    const problem = error.message.slice(error.field.length + 2);
    throw new UsageError(variable === undefined ? error.message : `${variable}: ${problem}`);
  }
}

/**
 * The alert manager the environment asks for, or `undefined` when it names no channel (the monitor
 * then only reports). Email needs all three of `SENDGRID_API_KEY`, `ALERT_EMAIL_FROM` and
 * `ALERT_EMAIL_TO` (comma-separated); one without the others is a `UsageError`, not an email
 * channel silently left out. `GPR_ALERT_BUCKET` keeps the rate limits in Cloud Storage (needs
 * `@google-cloud/storage`); without it they hold for this process only, and a line on `stderr` says
 * so. The alert log lines go to `stderr` too (Cloud Run and Cloud Functions ingest its JSON lines as
 * structured logs), so that stdout holds only the command's output (`--json` stays parseable).
 */
export async function alertManagerFromEnv(
  env: ConfigEnv,
  stderr: (line: string) => void,
): Promise<AlertManager | undefined> {
  const channels: AlertChannel[] = [];
  if (value(env, 'SLACK_WEBHOOK_URL')) {
    channels.push(fromVariables(() => slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_URL', env })));
  }
  const given = EMAIL_VARIABLES.filter((name) => value(env, name) !== undefined);
  if (given.length > 0 && given.length < EMAIL_VARIABLES.length) {
    const missing = EMAIL_VARIABLES.filter((name) => !given.includes(name));
    throw new UsageError(
      `email alerts need ${EMAIL_VARIABLES.join(', ')}; ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
    );
  }
  if (given.length === EMAIL_VARIABLES.length) {
    const to = (value(env, 'ALERT_EMAIL_TO') ?? '').split(',').map((address) => address.trim());
    channels.push(
      fromVariables(() =>
        sendGridChannel({
          apiKeyVariable: 'SENDGRID_API_KEY',
          env,
          from: value(env, 'ALERT_EMAIL_FROM') ?? '',
          to,
        }),
      ),
    );
  }
  if (channels.length === 0) return undefined;
  const bucket = value(env, 'GPR_ALERT_BUCKET');
  let store: RateLimitStore | undefined;
  if (bucket) {
    const { Storage } = await import('@google-cloud/storage');
    store = fromVariables(() => gcsRateLimitStore({ storage: new Storage(), bucket }));
  } else {
    stderr(
      'gpr: alert rate limits hold for this process only; set GPR_ALERT_BUCKET to share them with every run',
    );
  }
  const logger = cloudLoggingLogger({ write: stderr });
  return createAlertManager({ channels, ...(store ? { store } : {}), env, logger });
}
