/** Usage errors end with exit 2 and one clear line, never a stack trace. */
export class UsageError extends Error {}
