/** A one-line progress display on stderr (only when it is a terminal): bytes, bytes/s and ETA. */
export class ProgressLine {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly enabled = process.stderr.isTTY === true;

  constructor(
    private readonly verb: string,
    private totalBytes?: number,
  ) {}

  /** Whether anyone sees the line: work done only to feed it can be skipped otherwise. */
  get shown(): boolean {
    return this.enabled;
  }

  /** The total, once known (a backup learns it from a scan running alongside). */
  setTotal(bytes: number | undefined): void {
    this.totalBytes = bytes;
  }

  update(bytes: number, files: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? bytes / seconds : 0;
    const eta = this.totalBytes && rate > 0 ? ` ETA ${formatDuration((this.totalBytes - bytes) / rate)}` : "";
    const of = this.totalBytes ? ` / ${formatBytes(this.totalBytes)}` : "";
    process.stderr.write(
      `\r${this.verb} ${files} files ${formatBytes(bytes)}${of} ${formatBytes(rate)}/s${eta}\x1b[K`,
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write("\r\x1b[K");
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : `${Math.floor(s / 60)}m${s % 60}s`;
}
