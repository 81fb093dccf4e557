// Signing in and out. Signed out, only the sign-in form shows and no event stream stays open;
// signed in, the studio loads its styles and gallery and follows the user's jobs.
import { $ } from "./dom.js";
import { api } from "./api.js";
import { closeStream, forgetJobs, openStream } from "./jobs.js";
import { loadProfiles } from "./modes.js";
import { setSource } from "./source.js";
import { loadGallery } from "./gallery.js";
import { checkWebhooks } from "./webhooks.js";

export function showSignIn() {
  $("studio").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  closeStream();
}

export async function showStudio(user) {
  $("sign-in").hidden = true;
  $("studio").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${user.username} · ${user.role}`;
  showSpend();
  checkWebhooks();
  openStream();
  await loadProfiles();
  await loadGallery(true);
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
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = new FormData(event.target);
    $("sign-in-error").textContent = "";
    try {
      const session = await api("POST", "/api/auth/login", {
        username: fields.get("username"), password: fields.get("password"),
      });
      event.target.reset();
      await showStudio(session.user);
    } catch (error) {
      // the sign-in limit's sentence already says how long to wait; Retry-After is the same figure
      $("sign-in-error").textContent = error.message;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try { await api("POST", "/api/auth/logout"); } catch (ignored) { /* signing out anyway */ }
    showSignIn();
    forgetJobs();
    setSource(null); // the next person to sign in here must not send this one's image
  });
}
