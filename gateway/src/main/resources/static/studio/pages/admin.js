// The admin page, /admin (admins only: the router shows other users "For admins only", and the API answers them 403).
// Its tabs are paths, /admin/users, /admin/queues, /admin/stats, /admin/audit, so a reload or the back button keeps the
// tab; /admin shows the first. Each tab lives in studio/admin/: it is entered with the query and left when another tab
// or page replaces it (the queues tab stops its live refresh then). What the page decides is in admin/admin-rules.js.
import { $ } from "../dom.js";
import { registerPage } from "../router.js";
import { TABS, tabOf } from "../admin/admin-rules.js";
import { wireConfirm } from "../admin/confirm.js";
import { enterUsers, wireUsers } from "../admin/users.js";
import { enterQueues, leaveQueues, wireQueues } from "../admin/queues.js";
import { enterStats, leaveStats, wireStats } from "../admin/stats.js";
import { enterAudit, wireAudit } from "../admin/audit.js";

const TAB_MODULES = {
  users: { enter: enterUsers, leave: () => {} },
  queues: { enter: enterQueues, leave: leaveQueues },
  stats: { enter: enterStats, leave: leaveStats },
  audit: { enter: enterAudit, leave: () => {} },
};
let shownTab = null;

function leaveTab() {
  if (shownTab) TAB_MODULES[shownTab].leave();
  shownTab = null;
}

export function wireAdmin() {
  wireConfirm();
  wireUsers();
  wireQueues();
  wireStats();
  wireAudit();
  registerPage("admin", {
    title: "Admin",
    adminOnly: true,
    async enter({ rest, query, user }) {
      const { tab, known } = tabOf(rest);
      if (shownTab !== tab) leaveTab();
      shownTab = tab;
      for (const { name } of TABS) $(`admin-${name}`).hidden = name !== tab;
      for (const link of $("admin-tabs").querySelectorAll("a[data-tab]")) {
        if (link.dataset.tab === tab) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
      }
      const label = TABS.find((t) => t.name === tab).label;
      document.title = `${label} · Admin · DESAYRE`;
      $("admin-error").textContent = known ? "" : `There is no admin section at ${location.pathname}: here are the users.`;
      await TAB_MODULES[tab].enter({ query, user });
    },
    leave: leaveTab,
  });
}
