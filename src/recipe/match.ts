/**
 * Tensor-name matching for recipes. A `match` string with no `*` or `?` names one tensor exactly; otherwise it is
 * a glob over the whole name: `*` is any run of characters (slashes included, since TF.js weight names are
 * scopes like `block_1/conv/kernel`, not paths), `?` is exactly one character. Everything else is literal.
 */

/** True when `match` is a glob pattern rather than an exact tensor name. */
export function isPattern(match: string): boolean {
  return match.includes('*') || match.includes('?');
}

const cache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let source = '';
    for (const ch of glob) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    // 's' so that '.' also matches line breaks: a name is matched whole, whatever it contains.
    re = new RegExp(`^${source}$`, 's');
    cache.set(glob, re);
  }
  return re;
}

/**
 * Whether tensor `name` is selected by `match` (an exact name or a glob).
 * @example matches('conv1/kernel', '*kernel') // true
 */
export function matches(name: string, match: string): boolean {
  return isPattern(match) ? globToRegExp(match).test(name) : name === match;
}

/**
 * The rule that applies to `name` among `rules`: an exact-name rule beats every pattern; among patterns the first
 * listed wins. Returns undefined when none applies.
 */
export function ruleFor<R extends { match: string }>(name: string, rules: readonly R[]): R | undefined {
  const exact = rules.find((r) => !isPattern(r.match) && r.match === name);
  return exact ?? rules.find((r) => isPattern(r.match) && matches(name, r.match));
}
