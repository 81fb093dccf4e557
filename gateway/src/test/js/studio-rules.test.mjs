// The studio's pure rules (no DOM), run by StudioScriptsTest with node's own test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isNewer, statusText } from "../../main/resources/static/studio/status.js";
import { withoutFixedWait } from "../../main/resources/static/studio/countdown.js";

const job = (status, updatedAt) => ({ jobId: "j", status, updatedAt, message: status.toLowerCase() });

test("a later stage wins though its stage stamped an earlier time (ENCODED before the gateway's QUEUED)", () => {
  const queued = job("QUEUED", "2026-01-01T10:00:00.500Z");
  const encoded = job("ENCODED", "2026-01-01T10:00:00.200Z");
  assert.equal(isNewer(encoded, queued), true);
  assert.equal(isNewer(queued, encoded), false, "a late QUEUED never moves the card back");
});

test("within the provider's stage the later status wins; an ending is final", () => {
  assert.equal(isNewer(job("PROCESSING", "2026-01-01T10:00:02Z"), job("RETRYING", "2026-01-01T10:00:01Z")), true);
  assert.equal(isNewer(job("WAITING", "2026-01-01T10:00:01Z"), job("PROCESSING", "2026-01-01T10:00:02Z")), false);
  assert.equal(isNewer(job("PROCESSING", "2026-01-01T10:00:09Z"), job("CANCELLED", "2026-01-01T10:00:01Z")), false);
  assert.equal(isNewer(job("QUEUED", "2026-01-01T10:00:00Z"), undefined), true);
});

test("a cancel reads as one, whichever stage told it", () => {
  const byWorker = { status: "CANCELLED", message: "Cancelled: DESAYRE stopped waiting for xAI." };
  assert.equal(statusText(byWorker), "Cancelled at your request.");
});

test("a rate limit's sentence loses its fixed wait: the countdown says when", () => {
  const detail = "You have 0 of your 10 units left and this request needs 1. Wait 24 s (Retry-After) and send it again, "
    + "or spread your requests out: you regain 10 units every 1 minute.";
  assert.equal(withoutFixedWait(detail),
    "You have 0 of your 10 units left and this request needs 1. Spread your requests out: you regain 10 units every 1 minute.");
  assert.doesNotMatch(withoutFixedWait("Key used up. Wait 3 s (Retry-After) and send it again."), /Wait \d+ s/);
  assert.equal(withoutFixedWait("Nothing to strip."), "Nothing to strip.");
});
