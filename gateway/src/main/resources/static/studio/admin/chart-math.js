// The maths of the admin page's charts (chart.js draws them): scales, nice ticks, stacked bars, line paths and
// time labels. No DOM, so node's test runner checks it (src/test/js/chart-math.test.mjs).

/**
 * Ticks from 0 to a round number at or above max: steps of 1, 2 or 5 times a power of ten, about count of them.
 * integer: counts of things never get a step below 1. Answers { max, ticks }; an empty chart still has a scale (0–1).
 */
export function niceTicks(max, { count = 4, integer = false } = {}) {
  const top = Number.isFinite(max) && max > 0 ? max : 0;
  if (top === 0) return { max: 1, ticks: [0, 1] };
  const rough = top / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks = [];
  for (let v = 0; v < top + step * 1e-9 && ticks.length < 50; v += step) ticks.push(round(v));
  if (ticks[ticks.length - 1] < top) ticks.push(round(ticks[ticks.length - 1] + step));
  return { max: ticks[ticks.length - 1], ticks };
}

/** value → y in an SVG box whose zero is at the bottom (height) and max at the top (0). */
export function scaleY(max, height) {
  return (value) => round(height - (max > 0 ? (Math.max(0, value) / max) * height : 0));
}

/** n bars side by side across width, a gap between them: each one's x and the width they share. */
export function bars(n, width, gapRatio = 0.2) {
  if (n <= 0) return { width: 0, x: () => 0, center: () => 0 };
  const slot = width / n;
  const barWidth = Math.max(1, slot * (1 - gapRatio));
  return { width: round(barWidth), x: (i) => round(i * slot + (slot - barWidth) / 2), center: (i) => round(i * slot + slot / 2) };
}

/**
 * Stacked segments of one bar: values is { key: number }, order the keys bottom up (keys not in order go on top, in
 * their own order). Answers [{ key, value, from, to }] with from/to the running totals; zero values are left out.
 */
export function stack(values, order) {
  const keys = [...order.filter((k) => k in values), ...Object.keys(values).filter((k) => !order.includes(k)).sort()];
  const segments = [];
  let total = 0;
  for (const key of keys) {
    const value = Number(values[key]) || 0;
    if (value <= 0) continue;
    segments.push({ key, value, from: total, to: total + value });
    total += value;
  }
  return segments;
}

/** An SVG path through the points (x(i), y(value)), "M … L …"; nothing for no points. */
export function linePath(values, x, y) {
  return values.map((v, i) => `${i === 0 ? "M" : "L"}${round(x(i))} ${round(y(v))}`).join(" ");
}

/** The same line closed down to the baseline, for a filled area under it. */
export function areaPath(values, x, y, baseline) {
  if (values.length === 0) return "";
  return `${linePath(values, x, y)} L${round(x(values.length - 1))} ${round(baseline)} L${round(x(0))} ${round(baseline)} Z`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A bucket's label in UTC: "14:00" for hours (with the date at midnight: "Dec 3"), "Dec 3" for days. */
export function timeLabel(iso, bucket) {
  const at = new Date(iso);
  const day = `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}`;
  if (bucket === "day") return day;
  return at.getUTCHours() === 0 ? day : `${String(at.getUTCHours()).padStart(2, "0")}:00`;
}

/** A bucket's full name for the data table and tooltips: "Dec 3, 14:00–15:00 UTC" or "Dec 3 (UTC)". */
export function bucketName(iso, bucket) {
  const at = new Date(iso);
  const day = `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}, ${at.getUTCFullYear()}`;
  if (bucket === "day") return `${day} (UTC)`;
  const hour = at.getUTCHours();
  return `${day}, ${String(hour).padStart(2, "0")}:00–${String((hour + 1) % 24).padStart(2, "0")}:00 UTC`;
}

/** Which labels of n to show so that at most max fit: every step-th, step a whole number. */
export function labelStep(n, max) {
  return n <= max ? 1 : Math.ceil(n / Math.max(1, max));
}

function round(value) {
  return Math.round(value * 100) / 100;
}
