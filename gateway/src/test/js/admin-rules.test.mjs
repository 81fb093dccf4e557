// What the admin page decides and says (studio/admin/admin-rules.js), run by StudioScriptsTest under node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ago, auditDetail, auditQuery, breakersOf, dlqAction, dlqDone, filterUsers, formatBytes, formatMoney, formatMs, formatRate,
  jobsByStatus, kindsOf, laneState, linesOf, losesAdmin, rangeOf, selfLock, tabOf, utc } from "../../main/resources/static/studio/admin/admin-rules.js";

const NOW = Date.parse("2026-12-03T20:00:00Z");

test("each tab is a path under /admin; /admin shows the first; a name that is no tab is said to be unknown", () => {
  assert.deepEqual(tabOf([]), { tab: "users", known: true });
  assert.deepEqual(tabOf(["queues"]), { tab: "queues", known: true });
  assert.deepEqual(tabOf(["stats"]), { tab: "stats", known: true });
  assert.deepEqual(tabOf(["audit"]), { tab: "audit", known: true });
  assert.deepEqual(tabOf(["nope"]), { tab: "users", known: false });
  assert.deepEqual(tabOf(["users", "extra"]), { tab: "users", known: false });
});

const USERS = [
  { username: "admin", role: "admin", enabled: true },
  { username: "alice", role: "member", enabled: true },
  { username: "bob", role: "member", enabled: false },
  { username: "Malika", role: "admin", enabled: false },
];

test("the user list filters by part of the name in any case, by role and by enabled or disabled", () => {
  const names = (filter) => filterUsers(USERS, filter).map((u) => u.username);
  assert.deepEqual(names({}), ["admin", "alice", "bob", "Malika"]);
  assert.deepEqual(names({ q: " LI " }), ["alice", "Malika"]);
  assert.deepEqual(names({ role: "admin" }), ["admin", "Malika"]);
  assert.deepEqual(names({ state: "disabled" }), ["bob", "Malika"]);
  assert.deepEqual(names({ role: "member", state: "enabled" }), ["alice"]);
});

test("an admin's own row says they cannot lock themselves out; demoting or disabling an admin is asked first", () => {
  assert.match(selfLock(USERS[0], { username: "admin" }), /cannot demote or disable it yourself/);
  assert.equal(selfLock(USERS[1], { username: "admin" }), null);
  assert.equal(losesAdmin(USERS[0], { role: "member" }), true);
  assert.equal(losesAdmin(USERS[0], { enabled: false }), true);
  assert.equal(losesAdmin(USERS[0], { role: "admin" }), false);
  assert.equal(losesAdmin(USERS[1], { enabled: false }), false);
  assert.equal(losesAdmin(USERS[3], { role: "member" }), false, "a disabled admin has no access to lose");
});

test("bytes, latencies, rates and times read as people say them", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(711_011), "694 KB");
  assert.equal(formatBytes(5 * 1024 ** 3), "5 GB");
  assert.equal(formatMs(850), "850 ms");
  assert.equal(formatMs(12_500), "12.5 s");
  assert.equal(formatMs(200_000), "3 min 20 s");
  assert.equal(formatMs(null), "—");
  assert.equal(formatMoney(0.1), "0.10");
  assert.equal(formatMoney(0.134), "0.134");
  assert.equal(formatMoney(25), "25.00");
  assert.equal(formatMoney(1.356), "1.356");
  assert.equal(formatMoney(0.000001), "0.000001");
  assert.equal(formatMoney(null), "0.00");
  assert.equal(formatRate(0.6667), "66.7 %");
  assert.equal(formatRate(1), "100 %");
  assert.equal(formatRate(null), "—");
  assert.equal(ago("2026-12-03T19:59:58Z", NOW), "just now");
  assert.equal(ago("2026-12-03T19:59:18Z", NOW), "42 s ago");
  assert.equal(ago("2026-12-03T19:55:00Z", NOW), "5 min ago");
  assert.equal(ago("2026-12-01T20:00:00Z", NOW), "2 days ago");
  assert.equal(ago(null, NOW), "never");
  assert.equal(utc("2026-12-03T20:15:42.123Z"), "2026-12-03 20:15 UTC");
});

test("a stats range gives the series' start and bucket, and the per-model window the API keeps", () => {
  assert.deepEqual(rangeOf("7d", NOW), { name: "7d", label: "Last 7 days", days: 7, bucket: "hour", window: "7d",
    from: "2026-11-26T20:00:00.000Z" });
  assert.equal(rangeOf("90d", NOW).bucket, "day");
  assert.equal(rangeOf("90d", NOW).window, "7d");
  assert.equal(rangeOf("forever", NOW).name, "24h");
  assert.equal(rangeOf(null, NOW).window, "24h");
});

test("a series point's jobs add up by status, for every kind or one; statuses still running count as in progress", () => {
  const point = { jobs: { IMAGE: { COMPLETED: 3, FAILED: 1, RUNNING: 2 }, VIDEO: { COMPLETED: 2, QUEUED: 1 } } };
  assert.deepEqual(jobsByStatus(point), { COMPLETED: 5, FAILED: 1, IN_PROGRESS: 3 });
  assert.deepEqual(jobsByStatus(point, "VIDEO"), { COMPLETED: 2, IN_PROGRESS: 1 });
  assert.deepEqual(jobsByStatus({ jobs: {} }), {});
  assert.deepEqual(kindsOf([point, { jobs: { EDIT: { FAILED: 1 } } }]), ["EDIT", "IMAGE", "VIDEO"]);
});

test("the audit query carries only the filters that are set; a detail reads as one line", () => {
  assert.equal(auditQuery({}), "limit=50");
  assert.equal(auditQuery({ user: " alice ", action: "user.", before: 42 }), "user=alice&action=user.&before=42&limit=50");
  assert.equal(auditDetail({ action: "user.role", detail: { from: "member", to: "admin" } }), "member → admin");
  assert.equal(auditDetail({ action: "queue.dlq.replay", detail: { dlq: "generation.requested.dlq", count: 2, records: ["0/1", "0/2"] } }),
    "dlq: generation.requested.dlq · count: 2");
  assert.equal(auditDetail({ action: "queue.lane.pause", detail: { lane: "BATCH", services: ["image-worker", "video-worker"] } }),
    "lane: BATCH · services: image-worker, video-worker");
  assert.equal(auditDetail({ action: "user.create", detail: {} }), "");
});

test("DLQ buttons send one record by its offset, or all not yet handled; the answer reads as a sentence", () => {
  assert.deepEqual(dlqAction("replay", "generation.requested.dlq", { partition: 1, offset: 7, jobId: "j" }),
    { action: "replay", dlq: "generation.requested.dlq", offsets: [{ partition: 1, offset: 7 }] });
  assert.deepEqual(dlqAction("discard", "generation.requested.dlq"), { action: "discard", dlq: "generation.requested.dlq", all: true });
  assert.equal(dlqDone({ action: "replay", dlq: "d", replayed: 1, alreadyHandled: 0, more: false }), "Replayed 1 record of d.");
  assert.equal(dlqDone({ action: "discard", dlq: "d", discarded: 3, alreadyHandled: 2, more: true }),
    "Discarded 3 records of d. 2 had already been handled. More are left: run it again.");
});

test("breakers are listed open first, with their instance; a lane says who paused it and whether the workers obey", () => {
  const workers = [
    { instanceId: "i1", service: "image-worker", breakers: [{ model: "nano", state: "CLOSED" }, { model: "edit", state: "OPEN" }] },
    { instanceId: "i2", service: "video-worker", breakers: [{ model: "grok", state: "HALF_OPEN" }] },
    { instanceId: "i3", service: "video-worker" },
  ];
  assert.deepEqual(breakersOf(workers).map((b) => `${b.model}@${b.instanceId}:${b.state}`), ["edit@i1:OPEN", "grok@i2:HALF_OPEN", "nano@i1:CLOSED"]);
  assert.equal(laneState({ paused: false, liveInstances: 2, instancesObeying: 2 }), "Running · all 2 live instances obey");
  assert.equal(laneState({ paused: false, liveInstances: 1, instancesObeying: 1 }), "Running · its live instance obeys");
  assert.equal(laneState({ paused: true, by: "admin", reason: "provider incident", liveInstances: 2, instancesObeying: 1 }),
    "Paused by admin (provider incident) · 1 of 2 live instances obey so far");
  assert.equal(laneState({ paused: false, liveInstances: 0, instancesObeying: 0 }), "Running · no live instance");
});

test("a provider line adds up its live instances' heartbeats; stale and stopped ones are left out", () => {
  const workers = [
    { service: "image-worker", provider: "modelslabs", state: "live", atProvider: 3, providerQueueFree: 2, stepsRunning: 1, waiting: { INTERACTIVE: 4, BATCH: 1 } },
    { service: "image-worker", provider: "modelslabs", state: "live", atProvider: 2, providerQueueFree: 3, stepsRunning: 0, waiting: { INTERACTIVE: 1 } },
    { service: "image-worker", provider: "modelslabs", state: "stale", atProvider: 9, providerQueueFree: 0, stepsRunning: 9, waiting: { BATCH: 9 } },
    { service: "video-worker", provider: "xai", state: "live", atProvider: 0, providerQueueFree: 10000, stepsRunning: 0, waiting: {} },
  ];
  assert.deepEqual(linesOf(workers), [
    { service: "image-worker", provider: "modelslabs", instances: 2, atProvider: 5, free: 5, steps: 1, waiting: { INTERACTIVE: 5, BATCH: 1 } },
    { service: "video-worker", provider: "xai", instances: 1, atProvider: 0, free: 10000, steps: 0, waiting: {} },
  ]);
  assert.deepEqual(linesOf([]), []);
});
