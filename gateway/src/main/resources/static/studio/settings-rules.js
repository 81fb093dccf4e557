// What the settings page says: sessions, times, limits, usage and notifications, as pure rules (node-tested in
// settings-rules.test.mjs).
import { KIND_NAMES } from "./status.js";

/** The settings' sections, one URL each (/settings is the first). */
export const SECTIONS = [
  { name: "general", title: "General", path: "/settings" },
  { name: "password", title: "Password", path: "/settings/password" },
  { name: "sessions", title: "Sessions", path: "/settings/sessions" },
  { name: "keys", title: "API keys", path: "/settings/keys" },
  { name: "webhooks", title: "Webhooks", path: "/settings/webhooks" },
  { name: "usage", title: "Limits and usage", path: "/settings/usage" },
];

/** The section a path's rest names, or null for one that does not exist. */
export function sectionOf(rest) {
  if (!rest || rest.length === 0) return SECTIONS[0];
  if (rest.length > 1) return null;
  return SECTIONS.find((s) => s.name === rest[0]) || null;
}

/** "Firefox on Linux", "Safari on iPhone", "curl", or the header itself when it names nothing known. */
export function deviceOf(userAgent) {
  if (!userAgent) return "Unknown browser or program";
  const ua = userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /OPR\//.test(ua) ? "Opera" : /Firefox\//.test(ua) ? "Firefox"
    : /(Chrome|Chromium|HeadlessChrome)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : null;
  const system = /iPhone/.test(ua) ? "iPhone" : /iPad/.test(ua) ? "iPad" : /Android/.test(ua) ? "Android"
    : /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /CrOS/.test(ua) ? "ChromeOS"
    : /Linux/.test(ua) ? "Linux" : null;
  if (browser) return system ? `${browser} on ${system}` : browser;
  const program = /^([A-Za-z][\w.-]*)\/[\d.]+/.exec(ua);
  return program ? program[1] : ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
}

/** "just now", "4 min ago", "3 h ago", "2 days ago" (past), or "in 25 min" (future). */
export function relativeTime(iso, now = Date.now()) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((at - now) / 1000);
  const ahead = seconds > 0;
  const s = Math.abs(seconds);
  if (s < 60) return ahead ? "in under a minute" : "just now";
  const words = s < 3600 ? `${Math.floor(s / 60)} min` : s < 172800 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86400)} days`;
  return ahead ? `in ${words}` : `${words} ago`;
}

/** A window in words: 60 → "minute", 3600 → "hour", 86400 → "day", else "2 hours", "5 minutes", "90 s". */
function windowText(seconds) {
  if (seconds === 60) return "minute";
  if (seconds === 3600) return "hour";
  if (seconds === 86400) return "day";
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} s`;
}

const POLICY_NAMES = { user: "Requests", key: "This API key's requests", daily: "Daily quota", "in-flight": "Jobs running at once" };
const waitText = (seconds) => (seconds < 90 ? `${seconds} s` : seconds < 5400 ? `${Math.ceil(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`);

/** GET /api/limits as rows { name, value, note }, in the order the API lists them, then what each kind of job costs. */
export function limitRows(view) {
  const rows = (view.limits || []).map((limit) => {
    const notes = [];
    if (limit.windowSeconds) notes.push(`${limit.quota} units per ${windowText(limit.windowSeconds)}`);
    if (limit.policy === "daily") notes.push(view.ownDailyQuota ? "set for you by an admin" : "the studio's default");
    if (limit.windowSeconds && limit.resetSeconds && limit.remaining < limit.quota) notes.push(`full again in ${waitText(limit.resetSeconds)}`);
    return { name: POLICY_NAMES[limit.policy] || limit.policy, value: `${limit.remaining} of ${limit.quota} left`, note: notes.join(" · ") };
  });
  const costs = view.costs || {};
  const costText = Object.entries(costs).map(([kind, units]) => `${(KIND_NAMES[kind] || kind).toLowerCase()} ${units}`).join(" · ");
  if (costText) rows.push({ name: "Units per job", value: costText, note: "times how many you make at once" });
  return rows;
}

/** GET /api/usage as { total, budget, lines }: this month's spend, the budget in words, and one line per kind and model. */
export function usageSummary(view) {
  const currency = view.currency || "";
  const budget = view.budget;
  let budgetText = "No monthly budget: nothing caps your spend.";
  if (budget && budget.monthlyBudget !== null && budget.monthlyBudget !== undefined) {
    budgetText = `Budget ${budget.monthlyBudget} ${currency} a month (${budget.source === "own" ? "yours" : "the default"}): `
      + `${budget.remaining} ${currency} left until ${String(budget.renewsAt).slice(0, 10)}.`;
  }
  const lines = (view.byKindAndModel || []).map((line) => ({
    kind: KIND_NAMES[line.kind] || line.kind,
    model: line.model,
    jobs: line.charges - line.credits,
    amount: `${line.amount} ${currency}`,
  }));
  return { total: `${view.total} ${currency}`, budget: budgetText, lines };
}

/** Whether a job that ended gets a browser notification: asked for, allowed, and the tab not in view. */
export function shouldNotify(enabled, permission, tabHidden) {
  return enabled === true && permission === "granted" && tabHidden === true;
}

/** The notification of a job that ended: title kind + status, body the prompt, and where a click takes the person. */
export function notificationFor(job, { prompt, kind }) {
  const name = KIND_NAMES[kind] || KIND_NAMES[job.kind] || "Job";
  const status = { COMPLETED: "ready", FAILED: "failed", CANCELLED: "cancelled" }[job.status] || job.status.toLowerCase();
  const library = (kind || job.kind || "").toLowerCase() === "video" ? "videos" : "images";
  return { title: `${name} ${status}`, body: prompt || job.message || "", url: `/${library}/${encodeURIComponent(job.jobId)}`,
    tag: `desayre-${job.jobId}` };
}
