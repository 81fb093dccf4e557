// The DESAYRE studio: a thin client of the public API, as native ES modules under /studio/ (no
// build step). This module only wires them together and starts; each feature lives in its own:
//   router.js     the pages, one URL each (route-rules.js: which page a path shows)
//   api.js        the API client (session cookie, XSRF, problem+json as errors, upload progress)
//   session.js    sign-in and sign-out
//   modes.js      image / edit / video: the form's fields, aspect ratios, house styles
//   source.js     the source image of an edit or video (gallery, picker, file, drop, paste)
//   generate.js   preview and submit (idempotency keys, multipart uploads)
//   problems.js   field errors and the form's sentence; countdown.js: when to try again
//   jobs.js       the one event stream and the live cards of jobs in progress (cancel)
//   gallery.js    the studio page's recent generations (search, load more); items.js: a tile, retry, delete, the star
//   pages/library.js  the libraries /images and /videos (grid, filters in the URL, select, zip, a job's page)
//   remix.js      /studio?remix=<jobId>: the form filled with a past job's settings; library-rules.js: the rules
//   webhooks.js   the webhooks section of the settings (endpoints, secrets shown once, deliveries); webhook-rules.js: its words
//   pages/admin.js  /admin (users, queues, stats with charts, audit log): its tabs live in admin/
//   pages/settings.js  /settings (settings-rules.js); preferences.js, theme.js (+ theme-boot.js before the first paint)
//   shortcuts.js  Ctrl/Cmd+Enter and "?" (shortcut-rules.js); recent-prompts.js: the prompt history (prompt-history.js)
//   notify.js     a browser notification when a job ends in a background tab
//   status.js, dom.js  what a status reads as; DOM helpers
import { api, onSessionEnded } from "./studio/api.js";
import { registerPage, startRouter } from "./studio/router.js";
import { showSignIn, showSignedIn, wireSession } from "./studio/session.js";
import { loadProfiles, wireModes } from "./studio/modes.js";
import { wireProblems } from "./studio/problems.js";
import { wireSource } from "./studio/source.js";
import { wireGenerate } from "./studio/generate.js";
import { onJobs } from "./studio/jobs.js";
import { loadGallery, refreshGallerySoon, showStarted, wireGallery } from "./studio/gallery.js";
import { closeWebhooks, wireWebhooks } from "./studio/webhooks.js";
import { libraryJobEnded, wireLibrary } from "./studio/pages/library.js";
import { applyRemix } from "./studio/remix.js";
import { wireAdmin } from "./studio/pages/admin.js";
import { wireSettings } from "./studio/pages/settings.js";
import { wireShortcuts } from "./studio/shortcuts.js";
import { wireRecentPrompts } from "./studio/recent-prompts.js";

let profilesLoaded = false;
registerPage("studio", {
  title: "Studio",
  async enter({ query }) {
    if (!profilesLoaded) { await loadProfiles(); profilesLoaded = true; }
    await applyRemix(query);
    await loadGallery(true);
  },
});
registerPage("missing", { title: "Not found" });
registerPage("forbidden", { title: "For admins only" });

onSessionEnded(() => { closeWebhooks(); showSignIn(); });
onJobs({ started: showStarted, ended: (job) => { refreshGallerySoon(job); libraryJobEnded(job); } });
startRouter();
wireSession();
wireModes();
wireProblems();
wireSource();
wireGenerate();
wireGallery();
wireWebhooks();
wireLibrary();
wireAdmin();
wireSettings();
wireShortcuts();
wireRecentPrompts();

let me = null;
try {
  me = await api("GET", "/api/auth/me");
} catch (notSignedIn) {
  // signed out (401) or the gateway unreachable: the sign-in page says what went wrong when it is used
}
if (me) await showSignedIn(me); else await showSignIn();
