/**
 * Start bodies that each break one rule of SPEC §1 (VAL-1), with the field
 * `error.param` must name. The mock's tests and the VAL certify check share it.
 */
export const INVALID_START_BODIES: readonly [label: string, param: string, body: Record<string, unknown>][] = [
  ['unknown model', 'model', { model: 'ultra' }],
  ['unknown field', 'colour', { colour: 'red' }],
  ['canvas width below 16', 'composition.canvas.width', { composition: { canvas: { width: 15, height: 100 } } }],
  ['canvas height above 4320', 'composition.canvas.height', { composition: { canvas: { width: 100, height: 4321 } } }],
  ['fractional canvas', 'composition.canvas.width', { composition: { canvas: { width: 100.5, height: 100 } } }],
  ['unknown anchor', 'composition.foreground.anchor', { composition: { foreground: { anchor: 'middle' } } }],
  ['scale 0', 'composition.foreground.scale', { composition: { foreground: { scale: 0 } } }],
  ['scale above 10', 'composition.foreground.scale', { composition: { foreground: { scale: 10.5 } } }],
  ['offset beyond 7680', 'composition.foreground.offset.x', { composition: { foreground: { offset: { x: 7681, y: 0 } } } }],
  ['colour channel 256', 'background.color.2', { background: { type: 'color', color: [0, 0, 256] } }],
  ['colour of 2 channels', 'background.color', { background: { type: 'color', color: [0, 0] } }],
  ['image over http', 'background.image_url', { background: { type: 'image', image_url: 'http://media.example.com/bg.png' } }],
  ['unknown background', 'background.type', { background: { type: 'blur' } }],
  ['preview 0 s', 'preview_duration', { preview_duration: 0 }],
  ['preview above 60 s', 'preview_duration', { preview_duration: 61 }],
  ['wrong type', 'preview_duration', { preview_duration: 'ten' }],
  ['blank prompt', 'text_prompt', { model: 'pro', text_prompt: '   ' }],
  ['prompt of 501 characters', 'text_prompt', { model: 'pro', text_prompt: 'a'.repeat(501) }],
];
