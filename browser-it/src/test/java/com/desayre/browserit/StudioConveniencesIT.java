package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import org.openqa.selenium.Keys;

/** Ctrl+Enter generates, "?" lists the shortcuts and Esc closes them; the sign-in limiter's lockout counts down live. */
class StudioConveniencesIT {

    @PageTest
    void ctrlEnterGeneratesAndQuestionMarkListsTheShortcuts(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        page.type("#create textarea[name=prompt]", "a kite over the dunes, typed on " + page.viewport().label());
        page.press(Keys.chord(Keys.CONTROL, Keys.ENTER));
        var jobId = page.find("#running .job[data-job]").getAttribute("data-job");
        assertThat(jobId).isNotBlank();
        page.studio().awaitTerminal(jobId);

        page.script("document.activeElement.blur();");
        page.press("?");
        page.await("the shortcuts show", d -> Boolean.TRUE.equals(page.script("return document.getElementById('shortcuts').open")));
        assertThat(page.text("#shortcut-list")).contains("Ctrl+Enter");
        page.checkAccessibility();
        page.press(Keys.ESCAPE);
        page.await("Esc closed them", d -> Boolean.FALSE.equals(page.script("return document.getElementById('shortcuts').open")));
    }

    @PageTest
    void aLockedOutSignInCountsDownWithTheButtonOff(Page page) throws Exception {
        // an account of its own: the failures slow and then stop only (this account, this address)
        var username = "locked-" + page.viewport().label();
        page.studio().account(username, "member");
        page.open("/login").awaitPage("login");
        page.type("#sign-in-form input[name=username]", username);
        for (int attempt = 1; attempt <= 8 && !locked(page); attempt++) {
            page.type("#sign-in-form input[name=password]", "not the password " + attempt).click("#sign-in-form button[type=submit]");
            var tried = attempt;
            page.await("attempt " + tried + " answered", d -> !page.all("#sign-in-error").get(0).getText().isBlank()
                    && (locked(page) || page.find("#sign-in-form button[type=submit]").isEnabled()));
        }
        assertThat(page.text("#sign-in-error")).startsWith("Too many failed sign-ins from this address.")
                .containsPattern("You can try again in \\d+ (s|min)\\.").doesNotContain("seconds.");
        assertThat(page.all("#sign-in-form button[type=submit]").get(0).isEnabled()).isFalse();
        page.checkAccessibleAndFits();
    }

    private static boolean locked(Page page) {
        return page.all("#sign-in-error").get(0).getText().contains("You can try again");
    }
}
