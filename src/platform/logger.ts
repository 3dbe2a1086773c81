import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; tokens and passwords are never written. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers["x-auth-token"]', 'req.headers["x-subject-token"]', 'req.headers.authorization',
        '*.password', '*.secret', '*.original_password',
      ],
      censor: '***',
    },
  });
}
