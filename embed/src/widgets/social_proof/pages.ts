// Which pages show the notices: settings.include_pages and exclude_pages
// hold path prefixes ("/catalog" matches /catalog and /catalog/shoes, not
// /catalogue) and globs ("/blog/*/reviews", "*.html"; * matches any run of
// characters, / included). No include rule means every page; an exclude
// rule wins over an include rule.

function matches(rule: string, path: string): boolean {
  if (rule.indexOf('*') >= 0) {
    const re = rule.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp('^' + re + '$').test(path);
  }
  if (rule === '/' || rule === path) return true;
  const p = rule.charAt(rule.length - 1) === '/' ? rule : rule + '/';
  return path.slice(0, p.length) === p;
}

const any = (rules: string[] | undefined, path: string) => (rules || []).some((r) => typeof r === 'string' && r && matches(r, path));

/** Whether the widget shows on the page at path. */
export function pageAllowed(path: string, include: string[] | undefined, exclude: string[] | undefined): boolean {
  if (any(exclude, path)) return false;
  return !(include && include.length) || any(include, path);
}
