package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.stackit.Studio;

/** Signing in and out in the browser: the API's sentence on a failure, deep links kept across the sign-in, sign-out. */
class SignInIT {

    @PageTest
    void aWrongPasswordShowsTheApisSentence(Page page) throws Exception {
        // an account of its own per run: the admin's sign-ins must not be slowed by the failures this test makes
        var username = "typo-" + page.viewport().label();
        page.studio().account(username, "member");
        page.open("/login").awaitPage("login").checkAccessibleAndFits();
        // no name offered (not even the admin's): the form starts empty, at the username
        assertThat(page.find("#sign-in-form input[name=username]").getDomProperty("value")).isEmpty();
        assertThat(page.script("return document.activeElement.name")).isEqualTo("username");
        page.type("#sign-in-form input[name=username]", username)
                .type("#sign-in-form input[name=password]", "not the password")
                .click("#sign-in-form button[type=submit]");
        // the API's problem detail for bad-credentials (gateway ProblemCatalog), word for word
        assertThat(page.text("#sign-in-error")).isEqualTo("The username or password is wrong (or the account is disabled).");
        assertThat(page.shownPage()).isEqualTo("login");
        page.checkAccessibleAndFits();
    }

    @PageTest
    void aDeepLinkSignsInAndComesBack(Page page) {
        page.open("/images/x");
        page.awaitPath("/login?next=%2Fimages%2Fx").awaitPage("login");
        page.signIn("admin", Studio.PASSWORD);
        page.awaitPath("/images/x").awaitPage("images");
        assertThat(page.driver().getTitle()).startsWith("Images");
    }

    @PageTest
    void signingOutEndsTheSession(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        if (page.viewport() == Viewport.PHONE) {
            page.find("#sign-out").getLocation(); // on a phone the header must still show the way out
        }
        page.click("#sign-out");
        page.awaitPath("/login").awaitPage("login");
        // the session really ended: a page asked for now goes to the sign-in, not back into the studio
        page.open("/studio").awaitPath("/login?next=%2Fstudio").awaitPage("login");
    }
}
