package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.stackit.Studio;
import org.openqa.selenium.Keys;

/**
 * Ctrl+Enter generates, "?" lists the shortcuts and Esc closes them; a job that ends in a background tab notifies (and
 * the notification opens it); the sign-in limiter's lockout counts down live. At desktop width only: these wait on a
 * clock or the server, and the pages they use are checked at the phone's width by SignInIT, StudioPageIT and ScreenshotsIT.
 */
class StudioConveniencesIT {

    @PageTest(Viewport.DESKTOP)
    void ctrlEnterGeneratesAndQuestionMarkListsTheShortcuts(Page page) {
        page.openAsAdmin("/studio").awaitPage("studio");
        var prompt = "a kite over the dunes, typed on " + page.viewport().label();
        page.type("#create textarea[name=prompt]", prompt);
        page.press(Keys.chord(Keys.CONTROL, Keys.ENTER));
        page.studio().awaitTerminal(jobOf(page, prompt));

        page.script("document.activeElement.blur();");
        page.press("?");
        page.await("the shortcuts show", d -> Boolean.TRUE.equals(page.script("return document.getElementById('shortcuts').open")));
        assertThat(page.text("#shortcut-list")).contains("Ctrl+Enter");
        page.checkAccessibility();
        page.press(Keys.ESCAPE);
        page.await("Esc closed them", d -> Boolean.FALSE.equals(page.script("return document.getElementById('shortcuts').open")));
    }

    @PageTest(Viewport.DESKTOP)
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

    /**
     * The browser's Notification is stood in for by one that records what it is asked to show (a headless browser shows
     * none), and the tab reads as hidden: what the studio does is the real thing, from the setting to the click.
     */
    @PageTest(Viewport.DESKTOP)
    void aJobThatEndsInABackgroundTabNotifiesAndTheClickOpensIt(Page page) throws Exception {
        var username = "notify-" + page.viewport().label();
        page.studio().account(username, "member");
        page.openAs(username, Studio.PASSWORD, "/settings").awaitPage("settings");
        page.script("""
                window.shown = [];
                window.Notification = class {
                  constructor(title, options) { this.title = title; this.body = options.body; this.clicks = []; window.shown.push(this); }
                  addEventListener(type, listener) { if (type === "click") this.clicks.push(listener); }
                  close() {}
                };
                window.Notification.permission = "granted";
                window.Notification.requestPermission = async () => "granted";
                """);
        page.click("#pref-notify");
        page.await("the box stays ticked once allowed", d -> page.find("#pref-notify").isSelected());
        page.click("#prefs-save");
        assertThat(page.text("#prefs-saved")).startsWith("Saved.");
        page.click("#nav a[data-page=studio]"); // within the page: the stand-in stays
        page.awaitPage("studio");
        page.script("Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });");
        var prompt = "a paper boat on a pond, left in the background on " + page.viewport().label();
        page.type("#create textarea[name=prompt]", prompt).click("#submit");
        var jobId = jobOf(page, prompt);
        page.await("a notification was shown", d -> ((Number) page.script("return window.shown.length")).intValue() > 0);
        assertThat(page.script("return window.shown[0].title")).isEqualTo("Image ready");
        assertThat(page.script("return window.shown[0].body")).isEqualTo(prompt);
        page.script("window.shown[0].clicks.forEach((listener) => listener());");
        page.awaitPath("/images/" + jobId).awaitPage("images");
    }

    /** The job of a prompt sent from the form: its live card shows at once, its tile once done (the card goes 1.5 s after). */
    private static String jobOf(Page page, String prompt) {
        return page.await("a card or tile of the new job", d -> (String) page.script("""
                for (const e of document.querySelectorAll("#running .job[data-job], #gallery .tile[data-job]"))
                  if (e.textContent.includes(arguments[0])) return e.dataset.job;
                return null;
                """, prompt));
    }

    private static boolean locked(Page page) {
        return page.all("#sign-in-error").get(0).getText().contains("You can try again");
    }
}
