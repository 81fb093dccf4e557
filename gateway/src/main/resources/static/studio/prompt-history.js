// The last prompts the person sent, offered when the prompt field is focused. Kept per user in localStorage (this
// browser only: history on the server has every prompt, this is a short list of recent ones). The list's rules are pure
// and node-tested (prompt-history.test.mjs).
export const HISTORY_LIMIT = 20;
const key = (username) => `desayre.prompts.${username}`;

/** The list with prompt first: trimmed, a repeat moved to the top rather than listed twice, at most limit long. */
export function remember(list, prompt, limit = HISTORY_LIMIT) {
  const text = (prompt || "").trim();
  if (!text) return list.slice(0, limit);
  return [text, ...list.filter((earlier) => earlier !== text)].slice(0, limit);
}

/** The prompts to offer for what is typed: all of them for an empty field, else those containing it (any case). */
export function matching(list, typed) {
  const text = (typed || "").trim().toLowerCase();
  if (!text) return list.slice();
  return list.filter((earlier) => earlier.toLowerCase().includes(text) && earlier.toLowerCase() !== text);
}

/** The next highlighted row for ↓ (+1) or ↑ (-1): -1 is none (back to what was typed); it wraps around. */
export function moveHighlight(current, step, count) {
  if (count === 0) return -1;
  const next = current + step;
  if (next >= count) return -1;
  if (next < -1) return count - 1;
  return next;
}

export function loadHistory(username) {
  try {
    const stored = JSON.parse(localStorage.getItem(key(username)) || "[]");
    return Array.isArray(stored) ? stored.filter((p) => typeof p === "string").slice(0, HISTORY_LIMIT) : [];
  } catch (unreadable) {
    return [];
  }
}

export function saveHistory(username, list) {
  try { localStorage.setItem(key(username), JSON.stringify(list)); } catch (full) { /* the list is a convenience */ }
}
