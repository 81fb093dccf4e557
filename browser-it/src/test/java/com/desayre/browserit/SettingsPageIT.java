package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.stackit.Studio;

/**
 * /settings in the browser: an API key created (its secret shown once) and revoked, the light theme chosen and still
 * there after a reload (and accessible: axe checks its contrast), the create form's defaults applied on /studio, and a
 * session ended from the list.
 */
class SettingsPageIT {

    /** A member of its own per test and viewport: the runs share one studio. */
    private static String member(Page page, String prefix) throws Exception {
        var username = prefix + "-" + page.viewport().label();
        page.studio().account(username, "member");
        return username;
    }

    @PageTest
    void anApiKeyIsShownOnceAndRevoked(Page page) throws Exception {
        var user = member(page, "keys");
        page.openAs(user, Studio.PASSWORD, "/settings/keys").awaitPage("settings");
        page.type("#key-new input[name=name]", "ci").click("#key-create");
        assertThat(page.text("#key-secret-value")).startsWith("dsy_");
        assertThat(page.text("#key-secret")).contains("it will not be shown again");
        page.checkAccessibleAndFits();
        page.click("#key-secret-done");
        page.await("the secret is gone", d -> page.all("#key-secret-value").get(0).getText().isEmpty());
        assertThat(page.text("#key-list .row strong")).isEqualTo("ci");
        page.click("#key-list .row button.danger");
        page.driver().switchTo().alert().accept();
        page.await("the key is revoked", d -> page.all("#key-list .row").isEmpty());
        assertThat(page.text("#key-list")).contains("No keys yet");
    }

    @PageTest
    void theLightThemeStaysAfterAReloadAndIsAccessible(Page page) throws Exception {
        var user = member(page, "theme");
        page.openAs(user, Studio.PASSWORD, "/settings").awaitPage("settings");
        page.click("#theme-choice input[value=light]");
        assertThat(page.text("#prefs-saved")).isEqualTo("Theme saved.");
        page.open("/settings").awaitPage("settings");
        page.await("the light theme is drawn", d -> "light".equals(page.script("return document.documentElement.dataset.theme")));
        assertThat(page.find("#theme-choice input[value=light]").isSelected()).isTrue();
        page.checkAccessibleAndFits();
        page.open("/studio").awaitPage("studio");
        assertThat(page.script("return document.documentElement.dataset.theme")).isEqualTo("light");
        page.checkAccessibleAndFits();
    }

    @PageTest(Viewport.DESKTOP)
    void theCreateFormStartsWithTheDefaults(Page page) throws Exception {
        var user = member(page, "defaults");
        page.openAs(user, Studio.PASSWORD, "/settings").awaitPage("settings");
        page.await("the house styles are listed", d -> page.all("#pref-profile option").size() > 1);
        page.script("document.getElementById('pref-aspect').value = '16:9'; document.getElementById('pref-lane').value = 'batch';"
                + "document.querySelector('#prefs [name=enhance]').checked = false;");
        page.click("#prefs-save");
        assertThat(page.text("#prefs-saved")).startsWith("Saved.");
        page.open("/studio").awaitPage("studio");
        page.await("the defaults are applied", d -> "16:9".equals(page.script("return document.getElementById('aspect').value")));
        assertThat(page.script("return document.querySelector('#create [name=batch]').checked")).isEqualTo(true);
        assertThat(page.script("return document.querySelector('#create [name=enhance]').checked")).isEqualTo(false);
    }

    @PageTest
    void anotherSessionIsEndedFromTheList(Page page) throws Exception {
        var user = member(page, "sessions"); // account() signs in over HTTP: that session is the other one
        page.openAs(user, Studio.PASSWORD, "/settings/sessions").awaitPage("settings");
        page.await("two sessions are listed", d -> page.all("#session-list .row").size() == 2);
        page.checkAccessibleAndFits();
        page.click("#session-list .row button");
        assertThat(page.text("#sessions-done")).endsWith("is signed out.");
        page.await("one session is left", d -> page.all("#session-list .row").size() == 1);
        assertThat(page.text("#session-list .row")).containsIgnoringCase("this session");
    }
}
