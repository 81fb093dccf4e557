// Light and dark: the custom properties in studio.css, chosen by <html data-theme>. theme-boot.js sets it before the
// first paint from localStorage; this module keeps it in step with the settings (and the server's copy of them).
export const THEME_KEY = "desayre.theme";
export const THEMES = ["system", "light", "dark"];

/** The theme to draw: a choice of light or dark is kept; "system" follows the system; no choice is the studio's dark. */
export function themeFor(choice, systemLight) {
  if (choice === "light" || choice === "dark") return choice;
  return choice === "system" && systemLight ? "light" : "dark";
}

const systemQuery = () => window.matchMedia("(prefers-color-scheme: light)");
let following = null;

/** The stored choice, or null. */
export function storedTheme() {
  try { return localStorage.getItem(THEME_KEY); } catch (blocked) { return null; }
}

/** Draws a choice now, keeps it for the next first paint, and follows the system while the choice is "system". */
export function applyTheme(choice) {
  const known = THEMES.includes(choice) ? choice : null;
  try {
    if (known) localStorage.setItem(THEME_KEY, known); else localStorage.removeItem(THEME_KEY);
  } catch (blocked) { /* this tab still draws it */ }
  const query = systemQuery();
  document.documentElement.dataset.theme = themeFor(known, query.matches);
  if (following) query.removeEventListener("change", following);
  following = null;
  if (known === "system") {
    following = () => { document.documentElement.dataset.theme = themeFor("system", query.matches); };
    query.addEventListener("change", following);
  }
}
