package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

/** The studio page: an image made end to end in the browser, with the provider simulator, seen through to its picture. */
class StudioPageIT {

    @PageTest
    void anImageIsMadeAndShowsInTheGallery(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        var prompt = "a lighthouse at dusk seen on " + page.viewport().label();
        page.type("#create textarea[name=prompt]", prompt).click("#submit");
        // its live card shows at once; the job id is the card's
        var jobId = page.find("#running .job[data-job]").getAttribute("data-job");
        assertThat(page.studio().awaitTerminal(jobId).get("status").asString()).isEqualTo("COMPLETED");
        page.awaitPicture("#gallery .tile[data-job='" + jobId + "'] img");
        assertThat(page.text("#announce")).contains(prompt);
        page.checkAccessibleAndFits();
    }
}
