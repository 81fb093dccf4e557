package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * The studio page: an image made end to end in the browser, with the provider simulator, seen through to its picture;
 * and its live stream still working after many full page loads in one tab.
 */
class StudioPageIT {

    @PageTest
    void anImageIsMadeAndShowsInTheGallery(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        var prompt = "a lighthouse at dusk seen on " + page.viewport().label();
        page.type("#create textarea[name=prompt]", prompt).click("#submit");
        // its live card shows at once, and its tile once it is done (the card goes 1.5 s after): the job id is theirs
        var jobId = page.await("a card or tile of the new job", d -> (String) page.script("""
                for (const e of document.querySelectorAll("#running .job[data-job], #gallery .tile[data-job]"))
                  if (e.textContent.includes(arguments[0])) return e.dataset.job;
                return null;
                """, prompt));
        assertThat(page.studio().awaitTerminal(jobId).get("status").asString()).isEqualTo("COMPLETED");
        page.awaitPicture("#gallery .tile[data-job='" + jobId + "'] img");
        assertThat(page.text("#announce")).contains(prompt);
        page.checkAccessibleAndFits();
    }

    /**
     * Chromium keeps the last pages of a tab in its back-forward cache, and a page kept there with its /api/events
     * stream open holds one of the browser's 6 connections to the studio: after 6 typed addresses the next page's
     * requests waited for ever. Each page closes its stream when it is left (and opens it again if it comes back).
     * At one width: the layout is checked elsewhere, and what is tested is the browser's connections.
     */
    @PageTest(Viewport.DESKTOP)
    void afterEightTypedAddressesAJobStillShowsItsProgressLive(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        for (var address : List.of("/images", "/videos", "/settings", "/admin", "/studio", "/images", "/videos", "/settings")) {
            page.open(address).awaitPage(address.substring(1)); // driver.get: a full load, as a typed address
        }
        page.open("/studio").awaitPage("studio");
        var prompt = "a tram in the rain after eight page loads";
        page.type("#create textarea[name=prompt]", prompt).click("#submit");
        var jobId = page.await("the new job's card", d -> (String) page.script("""
                const card = [...document.querySelectorAll("#running .job[data-job]")].find((e) => e.textContent.includes(arguments[0]));
                return card ? card.dataset.job : null;
                """, prompt));
        // only the stream tells the card how the job ends (it fetched the job once, when it began)
        page.await("the job's end is announced", d -> page.script("return document.getElementById('announce').textContent")
                .toString().contains(prompt));
    }
}
