// Everything the multi-button says, in ru, uk and en, from
// i18n/multibutton_widget.json (Go checks it for completeness).

import catalog from '../../../../i18n/multibutton_widget.json';

export type Texts = typeof catalog.en;

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
