// Everything the game says, in ru, uk and en, from i18n/game_widget.json
// (Go checks it for completeness: every text in all three languages).

import catalog from '../../../../i18n/game_widget.json';

export type Texts = typeof catalog.en;

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
