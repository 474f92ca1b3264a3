// Everything the callback widget says, in ru, uk and en, comes from
// i18n/callback_widget.json: the one catalogue, which Go checks for
// completeness (every text in all three languages, the same placeholders).
// Placeholders in braces are filled with fill() from ../_shared/i18n.

import catalog from '../../../../i18n/callback_widget.json';

export type Texts = typeof catalog.en;

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
