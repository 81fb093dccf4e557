// Signing in and out. Signed out, only the sign-in page shows (studio/router.js sends every page there)
// and no event stream stays open; signed in, the header shows who and their spend, and the studio
// follows the user's jobs on every page.
import { $ } from "./dom.js";
import { api } from "./api.js";
import { closeStream, forgetJobs, openStream } from "./jobs.js";
import { setSource } from "./source.js";
import { checkWebhooks } from "./webhooks.js";
import { registerPage, signedIn, signedOut } from "./router.js";

export function showSignIn() {
  closeStream();
  return signedOut();
}

export async function showSignedIn(user) {
  $("who-name").textContent = `${user.username} · ${user.role}`;
  showSpend();
  checkWebhooks();
  openStream();
  await signedIn(user);
}

/** This month's spend against the user's budget (GET /api/usage: the cost ledger, docs/costs.md). */
export async function showSpend() {
  const spend = $("who-spend");
  try {
    const usage = await api("GET", "/api/usage");
    const budget = usage.budget;
    spend.textContent = budget && budget.monthlyBudget !== null
      ? `· ${budget.spentThisMonth} of ${budget.monthlyBudget} ${usage.currency} this month`
      : `· ${budget ? budget.spentThisMonth : usage.total} ${usage.currency} this month`;
    spend.title = budget && budget.remaining !== null ? `${budget.remaining} ${usage.currency} left until ${budget.renewsAt.slice(0, 10)}` : "";
  } catch (unavailable) {
    spend.textContent = ""; // spend is a courtesy: the studio works without it
  }
}

export function wireSession() {
  registerPage("login", {
    title: "Sign in",
    enter() { $("page-login").querySelector("input[name=password]").focus(); },
  });

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = new FormData(event.target);
    $("sign-in-error").textContent = "";
    try {
      const session = await api("POST", "/api/auth/login", {
        username: fields.get("username"), password: fields.get("password"),
      });
      event.target.reset();
      await showSignedIn(session.user);
    } catch (error) {
      // the sign-in limit's sentence already says how long to wait; Retry-After is the same figure
      $("sign-in-error").textContent = error.message;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try { await api("POST", "/api/auth/logout"); } catch (ignored) { /* signing out anyway */ }
    forgetJobs();
    setSource(null); // the next person to sign in here must not send this one's image
    history.replaceState(null, "", "/login");
    showSignIn();
  });
}
