// A browser notification when a job ends while the studio's tab is in the background (settings → notifications).
// A click brings the tab forward and opens the item.
import { preferences } from "./preferences.js";
import { navigate } from "./router.js";
import { notificationFor, shouldNotify } from "./settings-rules.js";

/** Whether this browser can show notifications at all (not over plain http on a LAN, not in every browser). */
export const canNotify = () => typeof window.Notification === "function";

/** Asks the browser's permission (must run from a click); answers "granted", "denied", "default" or "unsupported". */
export async function askPermission() {
  if (!canNotify()) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  try { return await Notification.requestPermission(); } catch (refused) { return "denied"; }
}

/** A job this tab followed has ended. */
export function notifyEnded(job, { prompt, kind }) {
  if (!canNotify() || !shouldNotify(preferences().notifications, Notification.permission, document.hidden)) return;
  const says = notificationFor(job, { prompt, kind });
  try {
    const shown = new Notification(says.title, { body: says.body, tag: says.tag, icon: "/favicon.svg" });
    shown.addEventListener("click", () => {
      window.focus();
      navigate(says.url);
      shown.close();
    });
  } catch (notAllowedHere) { /* e.g. Android Chrome wants a service worker: the card on the page still says it */ }
}
