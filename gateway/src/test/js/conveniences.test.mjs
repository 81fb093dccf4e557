// The create form's conveniences: shortcuts, the prompt history, and the place in line (run by StudioScriptsTest).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isGenerate, isHelp, takesText } from "../../main/resources/static/studio/shortcut-rules.js";
import { HISTORY_LIMIT, matching, moveHighlight, remember } from "../../main/resources/static/studio/prompt-history.js";
import { statusText } from "../../main/resources/static/studio/status.js";
import { withoutFixedWait } from "../../main/resources/static/studio/countdown.js";

const key = (k, mods = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, isComposing: false, ...mods });

test("Ctrl+Enter and Cmd+Enter generate; Enter, Shift+Enter and Alt do not", () => {
  assert.equal(isGenerate(key("Enter", { ctrlKey: true })), true);
  assert.equal(isGenerate(key("Enter", { metaKey: true })), true);
  assert.equal(isGenerate(key("Enter")), false);
  assert.equal(isGenerate(key("Enter", { ctrlKey: true, shiftKey: true })), false);
  assert.equal(isGenerate(key("Enter", { ctrlKey: true, altKey: true })), false);
  assert.equal(isGenerate(key("Enter", { ctrlKey: true, isComposing: true })), false, "an IME is still composing");
});

test("? lists the shortcuts only outside text fields", () => {
  assert.equal(isHelp(key("?"), false), true);
  assert.equal(isHelp(key("?"), true), false);
  assert.equal(isHelp(key("?", { ctrlKey: true }), false), false);
  assert.equal(takesText("TEXTAREA"), true);
  assert.equal(takesText("input", "search"), true);
  assert.equal(takesText("input", null), true);
  assert.equal(takesText("input", "checkbox"), false);
  assert.equal(takesText("button"), false);
  assert.equal(takesText("div", null, true), true);
});

test("the prompt history keeps the newest first, each prompt once, at most 20", () => {
  let list = [];
  for (let i = 0; i < 25; i++) list = remember(list, `prompt ${i}`);
  assert.equal(list.length, HISTORY_LIMIT);
  assert.equal(list[0], "prompt 24");
  assert.equal(list.at(-1), "prompt 5");
  list = remember(list, "  prompt 10 ");
  assert.equal(list[0], "prompt 10", "a repeat moves to the top, trimmed");
  assert.equal(list.filter((p) => p === "prompt 10").length, 1);
  assert.equal(list.length, HISTORY_LIMIT);
  assert.deepEqual(remember(["a"], "   "), ["a"], "a blank prompt is not remembered");
});

test("typing narrows the history; the exact prompt typed is not offered back", () => {
  const list = ["A lighthouse at dusk", "waves at night", "lighthouse"];
  assert.deepEqual(matching(list, ""), list);
  assert.deepEqual(matching(list, "LIGHT"), ["A lighthouse at dusk", "lighthouse"]);
  assert.deepEqual(matching(list, "lighthouse"), ["A lighthouse at dusk"]);
});

test("↓ and ↑ move through the list and back to what was typed", () => {
  assert.equal(moveHighlight(-1, 1, 3), 0);
  assert.equal(moveHighlight(2, 1, 3), -1, "past the last: back to the field");
  assert.equal(moveHighlight(-1, -1, 3), 2, "↑ from the field: the last one");
  assert.equal(moveHighlight(0, -1, 3), -1);
  assert.equal(moveHighlight(-1, 1, 0), -1);
});

test("a waiting job says its place in line and about how long", () => {
  const waiting = (queue) => statusText({ status: "WAITING", message: "Waiting", queue });
  assert.equal(waiting({ position: 3, etaSeconds: 40 }), "3rd in line · about 40 s");
  assert.equal(waiting({ position: 1, etaSeconds: 0 }), "Next in line · about 1 s");
  assert.equal(waiting({ position: 12, etaSeconds: null }), "12th in line");
  assert.equal(waiting({ position: 22, etaSeconds: 600 }), "22nd in line · about 10 min");
  assert.equal(waiting({ position: 2, etaSeconds: 7200 }), "2nd in line · about 2 h");
});

test("the sign-in limiter's fixed wait goes: the countdown says when", () => {
  assert.equal(withoutFixedWait("Too many failed sign-ins from this address. Try again in 30 seconds."),
    "Too many failed sign-ins from this address.");
  assert.equal(withoutFixedWait("Too many failed sign-ins from this address. Try again in 1 second."),
    "Too many failed sign-ins from this address.");
});
