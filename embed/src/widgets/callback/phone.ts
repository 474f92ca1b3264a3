// Country calling codes the widget knows by sight: which region a code
// names, how long its national numbers are, the trunk prefix people type
// at home (8 in Russia, 0 in Ukraine) and an example for the placeholder.
// Codes not listed still work: they show as "+NNN" with no example.

interface Country {
  region: string;
  /** Digits of a national number without the trunk prefix; 0 when it varies. */
  len: number;
  /** What people dial before a national number at home; '' when nothing. */
  trunk: string;
  example: string;
}

const c = (region: string, len: number, trunk: string, example: string): Country => ({ region, len, trunk, example });

const byCode: Record<number, Country> = {
  1: c('US', 10, '1', '201 555 0123'),
  7: c('RU', 10, '8', '912 345-67-89'),
  33: c('FR', 9, '0', '6 12 34 56 78'),
  34: c('ES', 9, '', '612 34 56 78'),
  39: c('IT', 0, '', '312 345 6789'),
  44: c('GB', 10, '0', '7400 123456'),
  48: c('PL', 9, '', '512 345 678'),
  49: c('DE', 0, '0', '1512 3456789'),
  90: c('TR', 10, '0', '501 234 56 78'),
  370: c('LT', 8, '8', '612 34567'),
  371: c('LV', 8, '', '21 234 567'),
  372: c('EE', 0, '', '5123 4567'),
  373: c('MD', 8, '0', '621 12 345'),
  374: c('AM', 8, '0', '77 123456'),
  375: c('BY', 9, '80', '29 491-19-11'),
  380: c('UA', 9, '0', '50 123 45 67'),
  420: c('CZ', 9, '', '601 123 456'),
  972: c('IL', 9, '0', '50 234 5678'),
  994: c('AZ', 9, '0', '40 123 45 67'),
  995: c('GE', 9, '0', '555 12 34 56'),
  996: c('KG', 9, '0', '700 123 456'),
  998: c('UZ', 9, '', '91 234 56 78'),
};

// Regions that share a code with the one listed for it.
const shared: Record<string, [number, string]> = {
  KZ: [7, '771 000 9998'],
  CA: [1, '506 234 5678'],
};

/** The calling code of a region (RU -> 7), or 0 when the widget does not know it. */
export function codeOfRegion(region: string): number {
  const r = (region || '').toUpperCase();
  if (shared[r]) return shared[r][0];
  for (const k in byCode) if (byCode[k].region === r) return Number(k);
  return 0;
}

/** The region a code stands for; the site's own region wins when it shares the code (7 on a KZ site is KZ). */
export function regionOfCode(code: number, siteRegion: string): string {
  const r = (siteRegion || '').toUpperCase();
  if (codeOfRegion(r) === code) return r;
  return byCode[code] ? byCode[code].region : '';
}

/** An example national number for the placeholder, or ''. */
export function example(code: number, siteRegion: string): string {
  const r = regionOfCode(code, siteRegion);
  if (shared[r]) return shared[r][1];
  return byCode[code] ? byCode[code].example : '';
}

/**
 * The number to send, "+" and digits. A number typed with a leading "+" (or
 * "00") is international already and is sent as typed, without its spaces,
 * dashes and brackets; so is one that starts with the chosen code and has
 * the full length. Otherwise the chosen code goes in front, after dropping
 * a trunk prefix typed out of habit (8 912… in Russia, 0 50… in Ukraine).
 */
export function compose(code: number, typed: string): string {
  const t = typed.trim();
  const digits = t.replace(/\D/g, '');
  if (t[0] === '+') return '+' + digits;
  if (digits.slice(0, 2) === '00') return '+' + digits.slice(2);
  const cc = String(code);
  const info = byCode[code];
  let national = digits;
  if (info && info.len) {
    if (digits.length === cc.length + info.len && digits.indexOf(cc) === 0) return '+' + digits;
    if (info.trunk && digits.length === info.trunk.length + info.len && digits.indexOf(info.trunk) === 0) {
      national = digits.slice(info.trunk.length);
    }
  } else if (info && info.trunk && digits.indexOf(info.trunk) === 0) {
    national = digits.slice(info.trunk.length);
  }
  return '+' + cc + national;
}
