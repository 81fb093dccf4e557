package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The suite's own checks catch what they are there for: an uncaught error, console.error and a missing file of the
 * studio's are console errors while an API's 4xx is not; axe-core's serious violations and a page wider than the
 * phone, or controls on top of each other, fail with a message that says what and where.
 */
class HarnessIT {

    @PageTest(Viewport.DESKTOP)
    void uncaughtErrorsAndConsoleErrorsAreConsoleErrors(Page page) {
        page.open("/login");
        page.script("setTimeout(() => { throw new Error('an uncaught boom'); }, 0); console.error('a logged failure');");
        page.await("the errors are logged", d -> page.console().size() >= 2);
        assertThatThrownBy(page::assertNoConsoleErrors).hasMessageContaining("an uncaught boom").hasMessageContaining("a logged failure");
        page.forgetConsole();
    }

    @PageTest(Viewport.DESKTOP)
    void aMissingStudioFileIsAConsoleErrorButAnApiRefusalIsNot(Page page) {
        page.open("/login");
        // signed out, the studio's first call (GET /api/auth/me) is answered 401: expected, and the page shows the sign-in
        page.await("the 401 of /api/auth/me is logged",
                d -> page.console().stream().anyMatch(e -> e.getMessage().contains("/api/auth/me") && e.getMessage().contains("401")));
        page.assertNoConsoleErrors();
        page.script("const s = document.createElement('script'); s.src = '/studio/no-such-module.js'; document.head.append(s);");
        page.await("the failed load is logged", d -> page.console().stream().anyMatch(e -> e.getMessage().contains("no-such-module.js")));
        assertThatThrownBy(page::assertNoConsoleErrors).hasMessageContaining("/studio/no-such-module.js");
        page.forgetConsole();
    }

    @PageTest(Viewport.DESKTOP)
    void seriousAccessibilityViolationsFailWithRuleHelpAndElement(Page page) {
        page.open("/login").checkAccessibility();
        page.script("""
                const img = document.createElement('img'); img.id = 'no-alt'; img.src = '/favicon.svg';
                const button = document.createElement('button'); button.id = 'no-name';
                document.getElementById('sign-in-form').append(img, button);
                """);
        assertThatThrownBy(page::checkAccessibility)
                .hasMessageContaining("image-alt").hasMessageContaining("#no-alt")
                .hasMessageContaining("button-name").hasMessageContaining("#no-name")
                .hasMessageContaining("Buttons must have discernible text");
    }

    @PageTest
    void aPageWiderThanTheScreenOrOverlappingControlsFail(Page page) {
        page.open("/login").checkLayout();
        page.script("const wide = document.createElement('div'); wide.style.width = '2000px'; wide.style.height = '1px';"
                + " document.querySelector('main').append(wide);");
        assertThatThrownBy(page::checkLayout).hasMessageContaining("scrolls sideways");
        page.script("""
                document.querySelector('main > div:last-child').remove();
                const button = document.querySelector('#sign-in-form button');
                const cover = document.createElement('button'); cover.textContent = 'on top'; cover.id = 'cover';
                const r = button.getBoundingClientRect();
                Object.assign(cover.style, { position: 'fixed', left: r.left + 'px', top: r.top + 'px' });
                document.body.append(cover);
                """);
        assertThatThrownBy(page::checkLayout).hasMessageContaining("'Sign in' is covered by button#cover 'on top'");
        assertThat(page.shownPage()).isEqualTo("login");
    }

    @PageTest
    void aNavigationLinkCutOffByItsBarOrTooSmallToTapFails(Page page) {
        page.open("/login").checkLayout();
        page.script("""
                const nav = document.createElement('nav'); nav.id = 'harness-nav'; nav.setAttribute('aria-label', 'harness');
                Object.assign(nav.style, { display: 'flex', width: '120px', overflowX: 'auto', whiteSpace: 'nowrap' });
                for (const text of ['First', 'Second and longer', 'Third']) {
                  const a = document.createElement('a'); a.href = '#'; a.textContent = text;
                  Object.assign(a.style, { display: 'inline-block', padding: '14px 12px' });
                  nav.append(a);
                }
                document.querySelector('main').prepend(nav);
                """);
        assertThatThrownBy(page::checkLayout).hasMessageContaining("a 'Second and longer' is cut off by nav#harness-nav");
        page.script("""
                const nav = document.getElementById('harness-nav');
                Object.assign(nav.style, { width: 'auto', flexWrap: 'wrap' });
                for (const a of nav.children) a.style.padding = '2px 12px';
                """);
        if (page.viewport().mobile) {
            assertThatThrownBy(page::checkLayout).hasMessageContaining("smaller than a 44 px tap target");
        } else {
            page.checkLayout();
        }
        page.script("document.getElementById('harness-nav').remove();");
    }

    @PageTest
    void aModalDialogIsCheckedAloneThePageBehindItIsInert(Page page) {
        page.open("/login");
        page.script("""
                const dialog = document.createElement('dialog'); dialog.id = 'harness-dialog';
                const inside = document.createElement('button'); inside.textContent = 'inside';
                Object.assign(dialog.style, { width: '100vw', maxWidth: '100vw', height: '100vh', maxHeight: '100vh', margin: '0', padding: '0' });
                Object.assign(inside.style, { width: '100%', height: '100%' });
                dialog.append(inside); document.body.append(dialog); dialog.showModal();
                """);
        // the sign-in form lies under the dialog's big button: not a covered control, since nobody can tap it now
        page.checkLayout();
        page.script("""
                const inside = document.querySelector('#harness-dialog button');
                const cover = document.createElement('button'); cover.textContent = 'over it'; cover.id = 'dialog-cover';
                const r = inside.getBoundingClientRect();
                Object.assign(cover.style, { position: 'fixed', width: '80px', height: '30px',
                  left: (r.left + r.width / 2 - 40) + 'px', top: (r.top + r.height / 2 - 15) + 'px' });
                document.querySelector('#harness-dialog').append(cover);
                """);
        assertThatThrownBy(page::checkLayout).hasMessageContaining("'inside' is covered by button#dialog-cover 'over it'");
    }
}
