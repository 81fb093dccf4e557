package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

/** The studio page: an image made end to end in the browser, with the provider simulator, seen through to its picture. */
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
}
