// Everything the quiz widget says, in ru, uk and en, comes from
// i18n/quiz_bundle.json: the one catalogue, which Go checks for
// completeness (every text in all three languages, the same placeholders).

import catalog from '../../../../i18n/quiz_bundle.json';

export type Texts = typeof catalog.en;

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
