/**
 * Maximum string length Mixpanel keeps, in UTF-16 code units, as its Events FAQ gives it (255 characters).
 * NOTE: Mixpanel's "Supported Properties Data Type" page gives 255 bytes, so Mixpanel may cut
 * non-ASCII text further on its side.
 */
export const MAX_STRING_LENGTH = 255;

// String.prototype.toWellFormed is ES2024 (Node 20 and later) and missing from the ES2023 typings
// this project compiles against.
type WellFormedString = string & { toWellFormed(): string };

/**
 * Replaces each unpaired UTF-16 surrogate with U+FFFD, the replacement character. JSON can carry a
 * lone surrogate (`"\ud800"`), but it has no UTF-8 encoding, so Mixpanel rejects the event.
 */
export function toWellFormed(text: string): string {
  return (text as WellFormedString).toWellFormed();
}

/** Cuts text to `maxLength` (255) UTF-16 code units without splitting a surrogate pair. */
export function truncateText(text: string, maxLength = MAX_STRING_LENGTH): string {
  if (text.length <= maxLength) return text;
  let end = maxLength;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Makes text fit for Mixpanel: well-formed UTF-16, cut to `maxLength` (255) code units on a character boundary. */
export function cleanText(text: string, maxLength = MAX_STRING_LENGTH): string {
  return truncateText(toWellFormed(text), maxLength);
}
