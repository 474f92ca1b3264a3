// Colour arithmetic for an owner's brand colour: which text colour reads on
// it, and a darker shade when white text on it would be too faint.

type RGB = [number, number, number];

function parse(hex: string): RGB | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]: RGB): number {
  const c = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}

/** WCAG contrast ratio of two luminances. */
function ratio(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const hex = (rgb: RGB) => '#' + rgb.map((v) => (Math.round(v) | 256).toString(16).slice(1)).join('');

export interface Palette {
  /** The owner's colour as given (the floating button). */
  brand: string;
  /** Icon colour on brand: white when it reaches 3:1 (non-text contrast), else near-black. */
  onBrand: string;
  /** Background of text buttons: brand, or a darker shade so that strong's text reaches 4.5:1. */
  strong: string;
  /** Text colour on strong. */
  onStrong: string;
}

const DARK = '#111827';
const DARK_L = luminance(parse(DARK)!);

/** Derives readable colours from an owner's #rrggbb; a bad value falls back to fallback. */
export function palette(color: string, fallback: string): Palette {
  const rgb = parse(color) || parse(fallback)!;
  const brand = hex(rgb);
  const l = luminance(rgb);
  const onBrand = ratio(1, l) >= 3 ? '#fff' : DARK;
  if (ratio(1, l) >= 4.5) return { brand, onBrand, strong: brand, onStrong: '#fff' };
  // A light colour (yellow, light blue) keeps its look with dark text.
  if (ratio(l, DARK_L) >= 7) return { brand, onBrand, strong: brand, onStrong: DARK };
  // A mid colour (the default green): darken it until white text reads.
  let c: RGB = rgb;
  for (let i = 0; i < 20 && ratio(1, luminance(c)) < 4.5; i++) c = c.map((v) => v * 0.92) as RGB;
  return { brand, onBrand, strong: hex(c), onStrong: '#fff' };
}
