// Signing in and out. Signed out, only the sign-in page shows (studio/router.js sends every page there)
// and no event stream stays open; signed in, the header shows who and their spend, and the studio
// follows the user's jobs on every page.
import { $ } from "./dom.js";
import { api } from "./api.js";
import { closeStream, forgetJobs, openStream } from "./jobs.js";
import { setSource } from "./source.js";
import { checkWebhooks } from "./webhooks.js";
import { registerPage, signedIn, signedOut } from "./router.js";
import { countDown, stopCountdown } from "./countdown.js";
import { forgetPreferences, loadPreferences, preferences } from "./preferences.js";
import { applyDefaults } from "./modes.js";

export function showSignIn() {
  closeStream();
  return signedOut();
}

/** The first field still empty (the username is often remembered: then the password). */
function firstEmpty(form) {
  return [...form.querySelectorAll("input")].find((input) => !input.value) || form.querySelector("input[type=password]");
}

export async function showSignedIn(user) {
  $("who-name").textContent = `${user.username} · ${user.role}`;
  await loadPreferences();
  applyDefaults(preferences());
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
    enter() { firstEmpty($("sign-in-form")).focus(); },
  });

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const fields = new FormData(form);
    const line = $("sign-in-error");
    const button = form.querySelector("button[type=submit]");
    if (button.disabled) return;
    line.textContent = "";
    stopCountdown();
    if (!fields.get("username") || !fields.get("password")) {
      line.textContent = "Enter your username and password.";
      firstEmpty(form).focus();
      return;
    }
    button.disabled = true;
    let locked = false;
    try {
      const session = await api("POST", "/api/auth/login", {
        username: fields.get("username"), password: fields.get("password"),
      });
      form.reset();
      await showSignedIn(session.user);
    } catch (error) {
      if (error.status === 429 && error.retryAfter) {
        // this address is stopped for a while: say until when, live, and keep the button off until then
        locked = true;
        countDown(line, error.message, error.retryAfter, () => { button.disabled = false; });
      } else {
        line.textContent = error.message;
      }
      form.elements.password.select();
      form.elements.password.focus();
    } finally {
      if (!locked) button.disabled = false;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try { await api("POST", "/api/auth/logout"); } catch (ignored) { /* signing out anyway */ }
    forgetJobs();
    forgetPreferences();
    setSource(null); // the next person to sign in here must not send this one's image
    history.replaceState(null, "", "/login");
    showSignIn();
  });
}
