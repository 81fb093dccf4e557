// The studio's pages, one URL each: a reload, a bookmark or a shared link lands on the same page,
// and the browser's back and forward buttons move between pages. The gateway answers index.html for
// every page path (web.StudioPages); this module decides what shows.
//
// A page is a <section id="page-NAME" class="page"> in index.html plus a module that registers it:
//   registerPage("images", { title: "Images", enter({ rest, query, user }) {...}, leave() {...} })
// /images/abc enters "images" with rest ["abc"]. Signed out, every page but /login sends the person to
// /login?next=<where they were>, and signing in brings them back there.
import { $ } from "./dom.js";
import { decide, isAdmin } from "./route-rules.js";

const pages = new Map();
let current = null;   // { name, path } of the page on screen
let user = null;      // the signed-in user (GET /api/auth/me), null when signed out

/**
 * Declares a page. enter is called each time the page is shown (also when only its rest or query
 * changed), leave when another page replaces it. adminOnly pages tell other users they are for admins.
 */
export function registerPage(name, { title, adminOnly = false, enter = () => {}, leave = () => {} }) {
  pages.set(name, { name, title, adminOnly, enter, leave });
}

/** The signed-in user, or null. */
export const currentUser = () => user;

/** Whether a page is the one on screen (e.g. to refresh it when a job ends). */
export const isShown = (name) => current !== null && current.name === name;

/** Shows the page at path (a same-origin path, optionally with ?query), adding it to the history. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else if (path !== location.pathname + location.search) history.pushState(null, "", path);
  return show();
}

/** After sign-in: back to where the person was going (?next=), or the studio. */
export function signedIn(who) {
  user = who;
  document.body.dataset.role = isAdmin(who) ? "admin" : "member"; // studio.css shows .admin-only by it
  const next = new URLSearchParams(location.search).get("next");
  const stay = location.pathname !== "/login" && location.pathname !== "/";
  return navigate(stay ? location.pathname + location.search : safeNext(next), { replace: true });
}

/** After sign-out or a session that ended: the sign-in page, remembering where the person was. */
export function signedOut() {
  user = null;
  delete document.body.dataset.role;
  return show();
}

/** Only a same-origin path may follow a sign-in (never "//evil.example" or "https://…"). */
function safeNext(next) {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/studio";
}

async function show() {
  const decision = decide(location.pathname, user, pages, location.search);
  if (decision.redirect) {
    history.replaceState(null, "", decision.redirect);
    return show();
  }
  const page = pages.get(decision.page);
  if (current && current.name !== page.name) {
    try { pages.get(current.name).leave(); } catch (ignored) { /* a page's clean-up never blocks the next page */ }
  }
  const changedPage = !current || current.name !== page.name;
  current = { name: page.name, path: location.pathname };
  for (const section of document.querySelectorAll("main > .page")) section.hidden = section.id !== `page-${page.name}`;
  for (const link of document.querySelectorAll("#nav a[data-page]")) {
    if (link.dataset.page === page.name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  $("nav").hidden = user === null;
  $("who").hidden = user === null;
  document.title = `${page.title} · DESAYRE`;
  if (changedPage) {
    window.scrollTo(0, 0);
    // a screen reader hears the new page's heading, as it would after a full page load
    const heading = $(`page-${page.name}`).querySelector("h1");
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  }
  $("page-error").textContent = "";
  try {
    await page.enter({ rest: decision.rest, query: new URLSearchParams(location.search), user });
  } catch (error) {
    // a page that could not load says so where the person looks, with the API's own sentence
    $("page-error").textContent = `${page.title} could not be loaded: ${error.message}`;
  }
}

/** Links to pages move within the studio without a reload; back and forward show the page again. */
export function startRouter() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
        || event.altKey || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !decide(url.pathname, user, pages).known) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => show());
}
