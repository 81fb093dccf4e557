// Keyboard shortcuts (shortcut-rules.js): Ctrl/Cmd+Enter generates from anywhere in the create form, "?" lists the
// shortcuts. Esc closes every <dialog> on its own (the browser's), and the recent prompts' list (recent-prompts.js).
import { $, el, form, studioShown } from "./dom.js";
import { SHORTCUTS, isGenerate, isHelp, takesText } from "./shortcut-rules.js";

export function wireShortcuts() {
  $("shortcut-list").replaceChildren(...SHORTCUTS.flatMap((s) => [el("dt", {}, el("kbd", { text: s.keys })), el("dd", { text: s.what })]));
  $("show-shortcuts").addEventListener("click", () => $("shortcuts").showModal());
  $("close-shortcuts").addEventListener("click", () => $("shortcuts").close());
  form.addEventListener("keydown", (event) => {
    if (!isGenerate(event)) return;
    event.preventDefault();
    if (!$("submit").disabled) form.requestSubmit($("submit"));
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof Element && takesText(target.tagName, target.getAttribute("type"), target.isContentEditable);
    if (!isHelp(event, typing) || !studioShown() || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    $("shortcuts").showModal();
  });
}
