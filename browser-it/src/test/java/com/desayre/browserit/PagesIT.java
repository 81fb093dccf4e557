package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.stackit.Studio;

/** Moving between the studio's pages: links without a reload, back and forward, an unknown address, an admin page for a member. */
class PagesIT {

    @PageTest
    void backAndForwardMoveBetweenPagesWithoutAReload(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        page.script("window.sameDocument = true;");
        page.click("#nav a[data-page=images]").awaitPath("/images").awaitPage("images");
        page.click("#nav a[data-page=admin]").awaitPath("/admin").awaitPage("admin");
        assertThat(page.find("#nav a[data-page=admin]").getAttribute("aria-current")).isEqualTo("page");
        page.back().awaitPath("/images").awaitPage("images");
        page.back().awaitPath("/studio").awaitPage("studio");
        page.forward().awaitPath("/images").awaitPage("images");
        assertThat(page.driver().getTitle()).startsWith("Images");
        assertThat(page.script("return window.sameDocument === true;")).as("no page was reloaded").isEqualTo(true);
    }

    @PageTest
    void anUnknownAddressSaysNothingHere(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        page.open("/no-such-page").awaitPage("missing");
        assertThat(page.text("#page-missing h1")).isEqualTo("Nothing here");
        page.checkAccessibleAndFits();
        page.click("#page-missing a[href='/studio']").awaitPath("/studio").awaitPage("studio");
    }

    @PageTest
    void anAdminPageTellsAMemberItIsForAdminsOnly(Page page) throws Exception {
        var member = "member-" + page.viewport().label();
        page.studio().account(member, "member");
        page.openAs(member, Studio.PASSWORD, "/admin").awaitPage("forbidden");
        assertThat(page.path()).isEqualTo("/admin");
        assertThat(page.text("#page-forbidden h1")).isEqualTo("For admins only");
        assertThat(page.all("#nav a[data-page=admin]").get(0).isDisplayed()).as("a member's menu has no Admin").isFalse();
        page.checkAccessibleAndFits();
    }
}
