/** Usage errors end with exit 2 and one clear line, never a stack trace. */
export class UsageError extends Error {}

export function parsePositiveInt(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
}

export function parsePositiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    return n;
  };
}
