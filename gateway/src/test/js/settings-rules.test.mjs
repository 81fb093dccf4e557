// The settings page's rules, the theme choice and the light theme's contrast (run by StudioScriptsTest under node).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deviceOf, limitRows, notificationFor, relativeTime, sectionOf, shouldNotify, usageSummary }
  from "../../main/resources/static/studio/settings-rules.js";
import { themeFor } from "../../main/resources/static/studio/theme.js";

test("each section has its path; an unknown one is none", () => {
  assert.equal(sectionOf([]).name, "general");
  assert.equal(sectionOf(["keys"]).name, "keys");
  assert.equal(sectionOf(["webhooks"]).path, "/settings/webhooks");
  assert.equal(sectionOf(["nope"]), null);
  assert.equal(sectionOf(["keys", "extra"]), null);
});

test("the theme: a choice of light or dark is kept, system follows the system, nothing chosen is the studio's dark", () => {
  assert.equal(themeFor("light", false), "light");
  assert.equal(themeFor("dark", true), "dark");
  assert.equal(themeFor("system", true), "light");
  assert.equal(themeFor("system", false), "dark");
  assert.equal(themeFor(null, true), "dark");
  assert.equal(themeFor("sepia", true), "dark");
});

test("a session reads as its browser and system, or its program", () => {
  assert.equal(deviceOf("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"), "Firefox on Linux");
  assert.equal(deviceOf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"),
    "Safari on iPhone");
  assert.equal(deviceOf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0"),
    "Edge on Windows");
  assert.equal(deviceOf("curl/8.5.0"), "curl");
  assert.equal(deviceOf("Java-http-client/17.0.9"), "Java-http-client");
  assert.equal(deviceOf(null), "Unknown browser or program");
});

test("times read as how long ago", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  assert.equal(relativeTime("2026-12-03T11:59:30Z", now), "just now");
  assert.equal(relativeTime("2026-12-03T11:56:00Z", now), "4 min ago");
  assert.equal(relativeTime("2026-12-03T09:00:00Z", now), "3 h ago");
  assert.equal(relativeTime("2026-11-30T12:00:00Z", now), "3 days ago");
  assert.equal(relativeTime("2026-12-03T12:25:00Z", now), "in 25 min");
  assert.equal(relativeTime("not a time", now), "");
});

test("limits read as what is left of each and what each kind of job costs", () => {
  const rows = limitRows({
    limits: [{ policy: "user", quota: 10, windowSeconds: 60, remaining: 7, resetSeconds: 18 },
      { policy: "daily", quota: 500, windowSeconds: 86400, remaining: 500, resetSeconds: 3286 },
      { policy: "in-flight", quota: 10, windowSeconds: null, remaining: 10, resetSeconds: null }],
    costs: { image: 1, edit: 2, video: 5 }, dailyQuota: 500, ownDailyQuota: false, usedToday: 0, mode: "shared",
  });
  assert.deepEqual(rows[0], { name: "Requests", value: "7 of 10 left", note: "10 units per minute · full again in 18 s" });
  assert.deepEqual(rows[1], { name: "Daily quota", value: "500 of 500 left", note: "500 units per day · the studio's default" },
    "a limit that is full says nothing of when it refills");
  assert.deepEqual(rows[2], { name: "Jobs running at once", value: "10 of 10 left", note: "" });
  assert.equal(rows[3].value, "image 1 · edit 2 · video 5");
});

test("usage reads as this month's total, the budget in words and a line per kind and model", () => {
  const summary = usageSummary({ currency: "USD", total: 1.25, byKindAndModel: [
    { kind: "image", model: "nano-banana-pro", charges: 6, credits: 1, amount: 0.2 }],
    budget: { monthlyBudget: 20, source: "own", remaining: 18.75, renewsAt: "2027-01-01T00:00:00Z" } });
  assert.equal(summary.total, "1.25 USD");
  assert.equal(summary.budget, "Budget 20 USD a month (yours): 18.75 USD left until 2027-01-01.");
  assert.deepEqual(summary.lines, [{ kind: "Image", model: "nano-banana-pro", jobs: 5, amount: "0.2 USD" }]);
  assert.match(usageSummary({ currency: "USD", total: 0, byKindAndModel: [], budget: { monthlyBudget: null } }).budget, /No monthly budget/);
});

test("a job that ends notifies only when asked for, allowed, and the tab is out of view", () => {
  assert.equal(shouldNotify(true, "granted", true), true);
  assert.equal(shouldNotify(true, "granted", false), false, "the person is looking at the card");
  assert.equal(shouldNotify(true, "denied", true), false);
  assert.equal(shouldNotify(null, "granted", true), false);
  const done = notificationFor({ jobId: "j 1", status: "COMPLETED", kind: "VIDEO" }, { prompt: "waves", kind: "video" });
  assert.deepEqual(done, { title: "Video ready", body: "waves", url: "/videos/j%201", tag: "desayre-j 1" });
  const failed = notificationFor({ jobId: "j2", status: "FAILED", message: "The provider refused it." }, { prompt: "", kind: "edit" });
  assert.equal(failed.title, "Edit failed");
  assert.equal(failed.body, "The provider refused it.");
  assert.equal(failed.url, "/images/j2");
});

// WCAG AA: 4.5:1 for text. Every text colour of each theme on every background it is drawn on.
function themes() {
  const css = readFileSync(new URL("../../main/resources/static/studio.css", import.meta.url), "utf8");
  const block = (selector) => {
    const start = css.indexOf(`${selector} {`);
    return Object.fromEntries([...css.slice(start, css.indexOf("}", start)).matchAll(/--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})/g)]
      .map(([, name, value]) => [name, value]));
  };
  const dark = block(":root");
  return { dark, light: { ...dark, ...block(':root[data-theme="light"]') } };
}

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

test("every text colour of both themes has AA contrast on the backgrounds it is drawn on", () => {
  for (const [name, colours] of Object.entries(themes())) {
    for (const text of ["text", "muted", "accent", "bad", "good", "code"]) {
      for (const background of ["bg", "panel", "field", "panel-2"]) {
        const ratio = contrast(colours[text], colours[background]);
        assert.ok(ratio >= 4.5, `${name}: --${text} on --${background} is ${ratio.toFixed(2)}:1`);
      }
    }
    assert.ok(contrast(colours["accent-ink"], colours.accent) >= 4.5, `${name}: a button's ink on --accent`);
    assert.ok(contrast(colours.text, colours.line) >= 4.5, `${name}: the current page's link on --line`);
  }
});
