/**
 * Names from archives are attacker-controlled: printed raw, a control character can rewrite the terminal and a
 * 100,000-character name makes a 100 KB message. Every name an error quotes from a drop goes through here.
 */
const MAX_SHOWN = 120;

/** The name in single quotes, control characters escaped (\x1b, \u202e), shortened in the middle past 120 chars. */
export function quoteName(name: string): string {
  let safe = '';
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    // C0/C1 controls, DEL, and bidirectional overrides that make a name read differently from what it is.
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) safe += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) safe += `\\u${c.toString(16)}`;
    else safe += ch;
  }
  if (safe.length > MAX_SHOWN) {
    const keep = (MAX_SHOWN - 1) / 2;
    safe = `${safe.slice(0, Math.ceil(keep))}…${safe.slice(-Math.floor(keep))}`;
  }
  return `'${safe}'`;
}
