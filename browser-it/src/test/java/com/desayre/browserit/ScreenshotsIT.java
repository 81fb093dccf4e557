package com.desayre.browserit;

import com.desayre.stackit.Studio;

/**
 * Each page as a person first sees it, at desktop and phone width: accessible, fitting the screen, and saved as
 * {@code target/screenshots/<page>-<desktop|phone>.png} for the README ({@code ./desayre screenshots} copies them).
 * A page's own tests go in its own class; extend its method here when the page needs something to show first.
 */
class ScreenshotsIT {
    private static boolean seeded;

    @PageTest
    void login(Page page) {
        page.open("/login").awaitPage("login");
        shoot(page, "login");
    }

    @PageTest
    void studio(Page page) throws Exception {
        seedImages(page.studio());
        page.openAsAdmin("/studio").awaitPage("studio");
        page.awaitPicture("#gallery .tile img");
        shoot(page, "studio");
    }

    @PageTest
    void images(Page page) throws Exception {
        seedImages(page.studio());
        page.openAsAdmin("/images").awaitPage("images");
        page.awaitPicture("#page-images .lib-tile img");
        shoot(page, "images");
    }

    @PageTest
    void videos(Page page) {
        page.openAsAdmin("/videos").awaitPage("videos");
        shoot(page, "videos");
    }

    @PageTest
    void admin(Page page) throws Exception {
        seedImages(page.studio());
        // the stats tab: its charts show the studio in use (the other tabs: AdminPageIT)
        page.openAsAdmin("/admin/stats").awaitPage("admin");
        page.await("the jobs chart has bars", d -> !page.all("#stats-body svg rect.s-COMPLETED").isEmpty());
        shoot(page, "admin");
    }

    @PageTest
    void settings(Page page) {
        page.openAsAdmin("/settings").awaitPage("settings");
        shoot(page, "settings");
    }

    private static void shoot(Page page, String name) {
        page.checkAccessibleAndFits().screenshot(name);
    }

    /** A few finished images of the admin's, made once per JVM over the API, so the pictures show a studio in use. */
    private static synchronized void seedImages(Studio studio) throws Exception {
        if (seeded) {
            return;
        }
        for (var prompt : new String[] {"a lighthouse at dusk, waves on the rocks", "a red fox in fresh snow", "a glass greenhouse at night"}) {
            studio.awaitTerminal(studio.submitImage(prompt, "16:9"));
        }
        seeded = true;
    }
}
