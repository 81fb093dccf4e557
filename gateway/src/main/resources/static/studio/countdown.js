// When a limit (429) or a full line (503) says to wait: the wait in words, counted down live.

let countdown = null;

/** "in 40 s", "in 3 min", or for long waits (a daily quota) the local time it ends. */
export function waitText(seconds, until) {
  if (seconds < 90) return `in ${seconds} s`;
  if (seconds < 3600) return `in ${Math.ceil(seconds / 60)} min`;
  return `at ${new Date(until).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })}`;
}

/**
 * The API's sentence without its fixed wait ("… Wait 24 s (Retry-After) and send it again, or spread …"): the
 * studio says when, live, and a frozen figure beside the countdown would soon be wrong.
 */
export function withoutFixedWait(sentence) {
  return (sentence || "").replace(/\s*Wait \d+ s \(Retry-After\) and send it again(, or (\w)|\.)/,
    (all, rest, first) => (first ? ` ${first.toUpperCase()}` : ""))
    // the sign-in limiter's "… Try again in 30 seconds."
    .replace(/\s*Try again in \d+ seconds?\./, "");
}

/** Writes "<sentence> You can try again in 40 s." into line, every second, until the wait is over (then onDone). */
export function countDown(line, apiSentence, retryAfter, onDone = () => {}) {
  const sentence = withoutFixedWait(apiSentence);
  const until = Date.now() + retryAfter * 1000;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    line.textContent = left > 0 ? `${sentence} You can try again ${waitText(left, until)}.` : `${sentence} You can try again now.`;
    if (left <= 0) { stopCountdown(); onDone(); }
  };
  stopCountdown();
  tick();
  countdown = setInterval(tick, 1000);
}

export function stopCountdown() {
  if (countdown) clearInterval(countdown);
  countdown = null;
}
