/**
 * What the sandboxed code printed with `console.*`, bounded so a chatty loop cannot bloat the step
 * record: at most MAX_LINES lines of at most MAX_LINE_CHARS characters, then one line saying how many
 * more were dropped.
 */
export const MAX_LINES = 200;
export const MAX_LINE_CHARS = 2000;

export type LogLevel = "log" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["log", "info", "warn", "error"];

/** One `console.*` call as recorded on the step (`logs`). */
export interface LogLine {
  level: LogLevel;
  message: string;
}

export class ConsoleLines {
  readonly #lines: LogLine[] = [];
  #dropped = 0;

  add(level: LogLevel, message: string): void {
    if (this.#lines.length >= MAX_LINES) {
      this.#dropped++;
      return;
    }
    const text =
      message.length > MAX_LINE_CHARS
        ? `${message.slice(0, MAX_LINE_CHARS)}… (line cut at ${MAX_LINE_CHARS} characters)`
        : message;
    this.#lines.push({ level, message: text });
  }

  /** The recorded lines, plus a closing line when some were dropped. */
  lines(): LogLine[] {
    if (this.#dropped === 0) return [...this.#lines];
    return [
      ...this.#lines,
      { level: "warn", message: `… ${this.#dropped} more console lines not recorded (limit ${MAX_LINES})` },
    ];
  }
}
