/**
 * The logging surface the events package needs. Structurally compatible with a pino logger, so the
 * process passes its own (child) logger in and this package never depends on pino.
 */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
