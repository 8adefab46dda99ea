/**
 * How `error.param` is read (VAL-1 asks to name the field, not a syntax): the
 * dotted form of `composition/canvas/width`, `composition.canvas.width`,
 * `body.composition[canvas][width]` and `$.composition.canvas.width` is the
 * same, and the field itself, a member of it (background.color.2) or the
 * object holding it (background) all name it.
 */
export const dottedParam = (p: string): string =>
  p.replace(/\[(\d+|[A-Za-z_]\w*)\]/g, '.$1').replace(/[/[\]]+/g, '.').replace(/^[$#]?\.*/, '').replace(/^body\./, '').replace(/^\.+|\.+$/g, '');

/** Whether a provider's `error.param` names `wanted` (a dotted path). */
export function namesField(given: unknown, wanted: string): boolean {
  if (typeof given !== 'string') return false;
  const named = dottedParam(given);
  const want = dottedParam(wanted);
  return named.length > 0 && (want === named || want.startsWith(`${named}.`) || named.startsWith(`${want}.`));
}
