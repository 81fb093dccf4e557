// What the studio's webhooks panel says (studio/webhook-rules.js), run by StudioScriptsTest with node's own test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EVENT_CHOICES, ago, deliveryRow, disabledWarning, eventsText, webhooksButton } from "../../main/resources/static/studio/webhook-rules.js";

const NOW = Date.parse("2026-12-03T20:00:00Z");

test("the event choices are the API's four, a new endpoint ticking the two endings people want", () => {
  assert.deepEqual(EVENT_CHOICES.map((c) => c.value).sort(), ["job.cancelled", "job.completed", "job.failed", "job.started"]);
  assert.deepEqual(EVENT_CHOICES.filter((c) => c.checked).map((c) => c.value), ["job.completed", "job.failed"]);
  assert.equal(eventsText(["job.started", "job.failed", "job.completed"]), "job.completed, job.failed, job.started");
  assert.equal(eventsText([]), "no events");
});

test("an endpoint the dispatcher disabled warns with its reason and says how to go on in the studio, not over the API", () => {
  const warning = disabledWarning({ enabled: false, disabledReason: "Deliveries have failed since 2026-11-30 18:02 UTC "
      + "(last: HTTP 503). Fix the receiver, then PATCH {\"enabled\": true}." });
  assert.equal(warning.alarm, true);
  assert.match(warning.text, /^DESAYRE stopped sending to this endpoint\. Deliveries have failed since 2026-11-30 18:02 UTC \(last: HTTP 503\)\. /);
  assert.match(warning.text, /enable it/);
  assert.doesNotMatch(warning.text, /PATCH/);
});

test("an endpoint its owner switched off is a quiet note; an enabled one has none", () => {
  assert.deepEqual(disabledWarning({ enabled: false, disabledReason: "disabled by its owner" }),
    { alarm: false, text: "Off: you disabled it. Nothing is sent to it until you enable it." });
  assert.equal(disabledWarning({ enabled: true, disabledReason: null }), null);
  assert.equal(disabledWarning({ enabled: false, disabledReason: "Some other reason" }).alarm, true, "an unknown reason still warns");
});

test("a delivered row shows event, status, attempts, latency, when and the receiver's answer", () => {
  const row = deliveryRow({ type: "job.completed", state: "delivered", attempts: 1, responseStatus: 200, latencyMs: 42,
    lastAttemptAt: "2026-12-03T19:57:00Z", createdAt: "2026-12-03T19:56:59Z", responseExcerpt: "  ok\n  thanks " }, NOW);
  assert.deepEqual(row, { event: "job.completed", state: "delivered", bad: false, status: "200", attempts: "1", latency: "42 ms",
    when: "3 min ago", excerpt: "ok thanks" });
});

test("a failing row is marked, says when it tries next, and keeps a long answer short", () => {
  const row = deliveryRow({ type: "job.failed", state: "pending", attempts: 3, responseStatus: null, latencyMs: 10_400,
    nextAttemptAt: "2026-12-03T20:02:00Z", lastAttemptAt: "2026-12-03T19:59:30Z", responseExcerpt: "x".repeat(1024) }, NOW);
  assert.equal(row.bad, true);
  assert.equal(row.state, "pending, next try in 2 min");
  assert.equal(row.status, "—");
  assert.equal(row.latency, "10.4 s");
  assert.equal(row.when, "30 s ago");
  assert.equal(row.excerpt.length, 160);
  assert.ok(row.excerpt.endsWith("…"));
  assert.equal(deliveryRow({ type: "webhook.test", state: "failed", attempts: 12 }, NOW).state, "failed for good");
  assert.equal(deliveryRow({ type: "webhook.test", state: "pending", attempts: 0, createdAt: "2026-12-03T20:00:00Z" }, NOW).bad, false,
    "not yet tried is not a failure");
});

test("times read as a person says them; past a day, the date", () => {
  assert.equal(ago("2026-12-03T19:59:58Z", NOW), "now");
  assert.equal(ago("2026-12-03T17:00:00Z", NOW), "3 h ago");
  assert.equal(ago("2026-12-01T08:15:00Z", NOW), "2026-12-01 08:15 UTC");
  assert.equal(ago("not a time", NOW), "");
});

test("the header's button tells the owner when the dispatcher stopped an endpoint, and only then", () => {
  const stopped = { enabled: false, disabledReason: "Deliveries have failed since 2026-11-30 18:02 UTC (last: HTTP 503)." };
  const switchedOff = { enabled: false, disabledReason: "disabled by its owner" };
  const on = { enabled: true, disabledReason: null };
  assert.deepEqual(webhooksButton([on, switchedOff]), { text: "Webhooks", alarm: false, title: "" });
  assert.deepEqual(webhooksButton(undefined), { text: "Webhooks", alarm: false, title: "" });
  const one = webhooksButton([on, stopped, switchedOff]);
  assert.equal(one.text, "Webhooks · 1 stopped");
  assert.equal(one.alarm, true);
  assert.match(one.title, /one of your endpoints/);
  assert.match(webhooksButton([stopped, stopped]).title, /2 of your endpoints/);
});
