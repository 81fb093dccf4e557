// The user's preferences (GET/PUT /api/preferences): loaded at sign-in, before the first page shows, so the theme and
// the create form's defaults apply when the studio loads. The settings page changes them.
import { api } from "./api.js";
import { applyTheme } from "./theme.js";

const NONE = { theme: null, styleProfile: null, aspectRatio: null, lane: null, enhance: null, notifications: null };
let current = { ...NONE };

/** The preferences as last loaded or saved. */
export const preferences = () => current;

/** At sign-in. The server's theme wins over this browser's copy (it is the same person's choice, made anywhere). */
export async function loadPreferences() {
  try {
    current = { ...NONE, ...(await api("GET", "/api/preferences")) };
  } catch (unavailable) {
    current = { ...NONE }; // the studio works with its own defaults
    return;
  }
  if (current.theme) applyTheme(current.theme);
}

/** Saves them all (PUT replaces every field) and answers what the server stored. */
export async function savePreferences(next) {
  current = { ...NONE, ...(await api("PUT", "/api/preferences", { ...current, ...next })) };
  if (current.theme) applyTheme(current.theme);
  return current;
}

/** Signed out: the next person here starts from the defaults (the theme stays: it is this browser's look). */
export function forgetPreferences() {
  current = { ...NONE };
}
