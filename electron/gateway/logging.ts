import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubNumbers } from '../../shared/phone';

/** Fields whose values are secrets or document content wherever they appear in a log object. */
const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['apiKey', 'api_key', 'token', 'secret', 'password', 'authorization', 'cookie', 'key', 'content', 'document', 'bytes', 'body'].flatMap(
    (name) => [name, `*.${name}`],
  ),
];

/**
 * What a log line may say: full numbers become [number] (scrubNumbers), API-key secrets keep only
 * their key id, and token/code/secret query values are cut.
 */
export function scrubLogText(text: string): string {
  return scrubNumbers(
    text
      .replace(/\b(fbk_[a-z]+_[0-9a-f]{12})_[\w-]+/g, '$1_[redacted]')
      .replace(/([?&](?:token|code|api_?key|key|secret|signature|sig)=)[^&\s"']*/gi, '$1[redacted]'),
  );
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubLogText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth + 1)]));
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** The gateway's one logging call: a sentence plus optional fields (`level` picks the level; info by default). */
export type LogFn = (message: string, fields?: Record<string, unknown> & { level?: LogLevel }) => void;

/**
 * The gateway's structured logger: JSON lines with levels (LOG_LEVEL), redaction by path for
 * secrets and document content, and every string (message and fields) scrubbed of numbers and tokens.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const level = ['debug', 'info', 'warn', 'error', 'silent'].includes(options.level ?? '') ? (options.level as string) : 'info';
  return pino(
    {
      level,
      base: { name: 'faxbot-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubLogText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** The `log` the services receive, writing to the structured logger. */
export function logFunction(logger: Logger): LogFn {
  return (message, fields = {}) => {
    const { level = 'info', ...rest } = fields;
    logger[level](rest, message);
  };
}
