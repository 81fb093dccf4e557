// Asks before a destructive admin action (disable, demote, reset a password, discard or replay DLQ records, pause a
// lane) in one <dialog>: Cancel has the focus, Esc cancels.
import { $ } from "../dom.js";

let answer = null;

export function wireConfirm() {
  const dialog = $("admin-confirm");
  $("admin-confirm-cancel").addEventListener("click", () => dialog.close("cancel"));
  $("admin-confirm-ok").addEventListener("click", () => dialog.close("ok"));
  dialog.addEventListener("close", () => {
    const resolve = answer;
    answer = null;
    if (resolve) resolve(dialog.returnValue === "ok");
  });
}

/** true once the admin said yes; false for Cancel or Esc. */
export function confirmAction({ title, text, ok }) {
  const dialog = $("admin-confirm");
  if (dialog.open) dialog.close("cancel");
  $("admin-confirm-title").textContent = title;
  $("admin-confirm-text").textContent = text;
  $("admin-confirm-ok").textContent = ok;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    answer = resolve;
    dialog.showModal();
    $("admin-confirm-cancel").focus();
  });
}
