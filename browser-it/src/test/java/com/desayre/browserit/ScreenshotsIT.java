package com.desayre.browserit;

import com.desayre.stackit.Studio;

/**
 * Each page as a person first sees it, at desktop and phone width: accessible, fitting the screen, and saved as
 * {@code target/screenshots/<page>-<desktop|phone>.png} for the README ({@code ./desayre screenshots} copies them).
 * A page's own tests go in its own class; a new page is a case of {@link #signedIn} (with what it waits for, if anything).
 */
class ScreenshotsIT {
    private static boolean seeded;

    @PageTest
    void login(Page page) {
        page.open("/login").awaitPage("login");
        shoot(page, "login");
    }

    /** Each signed-in page, once what it shows has loaded. */
    @PageTest(each = {"studio", "images", "videos", "admin", "settings"})
    void signedIn(Page page, String name) throws Exception {
        seedImages(page.studio()); // once per JVM: the pictures and the admin's charts show a studio in use
        // the admin page at its stats tab, whose charts show the studio in use (the other tabs: AdminPageIT)
        page.openAsAdmin(name.equals("admin") ? "/admin/stats" : "/" + name).awaitPage(name);
        switch (name) {
            case "studio" -> page.awaitPicture("#gallery .tile img");
            case "images" -> page.awaitPicture("#page-images .lib-tile img");
            case "admin" -> page.await("the jobs chart has bars", d -> !page.all("#stats-body svg rect.s-COMPLETED").isEmpty());
            default -> { } // videos, settings: nothing to wait for
        }
        shoot(page, name);
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
