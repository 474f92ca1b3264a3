// Everything the proactive message says, in ru, uk and en, from
// i18n/proactive_widget.json (Go checks it for completeness: every text in
// all three languages, the same placeholders).

import catalog from '../../../../i18n/proactive_widget.json';

export type Texts = typeof catalog.en;

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
