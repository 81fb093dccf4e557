// The admin page's chart maths (studio/admin/chart-math.js), run by StudioScriptsTest under node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { areaPath, bars, bucketName, labelStep, linePath, niceTicks, scaleY, stack, timeLabel }
  from "../../main/resources/static/studio/admin/chart-math.js";

test("ticks climb in steps of 1, 2 or 5 times a power of ten to a round top at or above the largest value", () => {
  assert.deepEqual(niceTicks(17), { max: 20, ticks: [0, 5, 10, 15, 20] });
  assert.deepEqual(niceTicks(100), { max: 100, ticks: [0, 50, 100] });
  assert.deepEqual(niceTicks(0.9), { max: 1, ticks: [0, 0.5, 1] });
  const money = niceTicks(1.356);
  assert.equal(money.max >= 1.356, true);
  assert.deepEqual(money.ticks, [0, 0.5, 1, 1.5]);
  assert.deepEqual(niceTicks(9), { max: 10, ticks: [0, 5, 10] });
});

test("counts never get a fractional step, and an empty chart still has a scale", () => {
  assert.deepEqual(niceTicks(2, { integer: true }), { max: 2, ticks: [0, 1, 2] });
  assert.deepEqual(niceTicks(3, { integer: true }), { max: 3, ticks: [0, 1, 2, 3] });
  assert.deepEqual(niceTicks(0), { max: 1, ticks: [0, 1] });
  assert.deepEqual(niceTicks(NaN), { max: 1, ticks: [0, 1] });
  for (const max of [1, 7, 13, 99, 1234, 0.03]) {
    const { ticks, max: top } = niceTicks(max);
    assert.ok(top >= max, `${max}: top ${top}`);
    assert.ok(ticks.length >= 2 && ticks.length <= 7, `${max}: ${ticks}`);
    assert.equal(ticks[0], 0);
  }
});

test("the y scale puts zero at the bottom and the top at 0; negative values (credits) stay on the baseline", () => {
  const y = scaleY(20, 200);
  assert.equal(y(0), 200);
  assert.equal(y(20), 0);
  assert.equal(y(5), 150);
  assert.equal(y(-3), 200);
  assert.equal(scaleY(0, 200)(4), 200);
});

test("bars share the width with a gap, each centred in its slot", () => {
  const layout = bars(4, 400, 0.2);
  assert.equal(layout.width, 80);
  assert.equal(layout.x(0), 10);
  assert.equal(layout.x(3), 310);
  assert.equal(layout.center(1), 150);
  assert.equal(bars(0, 400).width, 0);
  assert.equal(bars(1000, 100).width, 1, "a bar is never thinner than a pixel");
});

test("a stacked bar's segments follow the given order bottom up, unknown keys on top, zeros left out", () => {
  assert.deepEqual(stack({ FAILED: 1, COMPLETED: 3, CANCELLED: 0, WEIRD: 2 }, ["COMPLETED", "FAILED", "CANCELLED"]), [
    { key: "COMPLETED", value: 3, from: 0, to: 3 },
    { key: "FAILED", value: 1, from: 3, to: 4 },
    { key: "WEIRD", value: 2, from: 4, to: 6 },
  ]);
  assert.deepEqual(stack({}, ["COMPLETED"]), []);
});

test("a line and its area go through every point and close on the baseline", () => {
  const x = (i) => i * 10;
  const y = scaleY(4, 40);
  assert.equal(linePath([0, 2, 4], x, y), "M0 40 L10 20 L20 0");
  assert.equal(areaPath([0, 2, 4], x, y, 40), "M0 40 L10 20 L20 0 L20 40 L0 40 Z");
  assert.equal(linePath([], x, y), "");
  assert.equal(areaPath([], x, y, 40), "");
});

test("time labels are UTC: hours as 14:00 with the date at midnight, days as the date; full names for the table", () => {
  assert.equal(timeLabel("2026-12-03T14:00:00Z", "hour"), "14:00");
  assert.equal(timeLabel("2026-12-04T00:00:00Z", "hour"), "Dec 4");
  assert.equal(timeLabel("2026-12-03T00:00:00Z", "day"), "Dec 3");
  assert.equal(bucketName("2026-12-03T23:00:00Z", "hour"), "Dec 3, 2026, 23:00–00:00 UTC");
  assert.equal(bucketName("2026-12-03T00:00:00Z", "day"), "Dec 3, 2026 (UTC)");
});

test("labels thin out so at most the given number fit", () => {
  assert.equal(labelStep(24, 12), 2);
  assert.equal(labelStep(168, 8), 21);
  assert.equal(labelStep(5, 8), 1);
  assert.equal(labelStep(5, 0), 5);
});
