// Which page a path shows: no DOM, so node's test runner checks it (src/test/js/route-rules.test.mjs).
// Pages named "missing" and "forbidden" answer paths that are not pages and admin pages asked for by
// other users; "login" is the only page a signed-out person sees.

/**
 * pathname: location.pathname; user: null when signed out; pages: a Map of page name to
 * { adminOnly }. Answers { redirect } (a path to replace the current one with) or
 * { page, rest } (rest: the path's segments after the page's name), and known: whether the
 * path is the studio's to show without a reload.
 */
/** Pages without sub-paths (the gateway serves the studio's modules under /studio/). */
const WHOLE_PAGES = new Set(["login", "studio"]);

export function decide(pathname, user, pages, search = "") {
  const segments = pathname.split("/").filter((s) => s.length > 0).map(safeDecode);
  if (segments.length === 0) return { redirect: "/studio", known: true };
  const [name, ...rest] = segments;
  const page = name === "missing" || name === "forbidden" ? undefined : pages.get(name);
  if (!page || (rest.length > 0 && WHOLE_PAGES.has(name))) return { page: "missing", rest: [], known: false };
  if (user === null && name !== "login") {
    return { redirect: `/login?next=${encodeURIComponent(pathname + search)}`, known: true };
  }
  if (user !== null && name === "login") return { redirect: "/studio", known: true };
  if (page.adminOnly && !isAdmin(user)) return { page: "forbidden", rest: [], known: true };
  return { page: name, rest, known: true };
}

/** The API names roles in lower case (GET /api/auth/me: "admin" or "member"); any case is taken. */
export function isAdmin(user) {
  return user !== null && user !== undefined && String(user.role).toLowerCase() === "admin";
}

function safeDecode(segment) {
  try { return decodeURIComponent(segment); } catch (malformed) { return segment; }
}
