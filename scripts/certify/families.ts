export { SELECTABLE_FAMILIES } from '../../core/families.js';
