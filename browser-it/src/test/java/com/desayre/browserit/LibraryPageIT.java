package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The libraries (/images and their job pages) in the browser: filters in the URL (and back), select all, the zip's
 * link and its bytes, a job's page with its lineage both ways, and remix filling the studio's form, at desktop and
 * phone width, accessible and fitting at each step.
 */
class LibraryPageIT {

    @PageTest
    void filterSelectZipDetailsLineageAndRemix(Page page) throws Exception {
        var tag = "harbour" + UUID.randomUUID().toString().substring(0, 8);
        var sourceId = page.studio().submitImage("a " + tag + " at dawn", "1:1");
        var source = page.studio().awaitTerminal(sourceId);
        assertThat(source.get("status").asString()).isEqualTo("COMPLETED");
        page.openAsAdmin("/images?q=" + tag).awaitPage("images");
        // an edit of it, as the studio sends one (the session's cookie and XSRF token)
        var editId = (String) ((JavascriptExecutor) page.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/studio/api.js').then((m) => m.api('POST', '/api/generate/edit',
                    { prompt: 'make the %s stormy', sourceJobId: arguments[0] })).then((a) => done(a.jobId), (e) => done('failed: ' + e.message));
                """.formatted(tag), sourceId);
        assertThat(editId).doesNotStartWith("failed");
        assertThat(page.studio().awaitTerminal(editId).get("status").asString()).isEqualTo("COMPLETED");

        page.open("/images?q=" + tag).awaitPage("images");
        page.await("both tiles", d -> page.all("#page-images .lib-tile").size() == 2);
        page.checkAccessibleAndFits();

        // a filter is a URL, and back undoes it
        page.script("const s = document.querySelector('#page-images select[name=kind]'); s.value = 'edit';"
                + " s.dispatchEvent(new Event('change', { bubbles: true }));");
        page.await("the edits only", d -> page.path().contains("kind=edit") && page.all("#page-images .lib-tile").size() == 1);
        page.back();
        page.await("both again", d -> !page.path().contains("kind=edit") && page.all("#page-images .lib-tile").size() == 2);

        // select all shown, then the zip: its link streams a zip of both
        page.click("#images-select-all");
        assertThat(page.text("#page-images .lib-bar [role=status]")).isEqualTo("2 selected");
        var zip = (String) ((JavascriptExecutor) page.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/studio/api.js').then((m) => m.api('POST', '/api/history/zip-links', { jobIds: arguments[0] }))
                  .then((link) => fetch(link.url)).then(async (r) => done(r.status + ' ' + r.headers.get('content-type') + ' '
                    + String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 2))), (e) => done('failed: ' + e.message));
                """, List.of(sourceId, editId));
        assertThat(zip).isEqualTo("200 application/zip PK");
        page.click("#page-images .lib-bar-actions button");
        page.await("the download starts", d -> page.text("#page-images .lib-notice").equals("Downloading 2 items as a zip."));

        // the edit's page links to its source, whose page lists the edit
        page.click("#page-images .lib-tile[data-job='" + editId + "'] a.open");
        page.awaitPath("/images/" + editId);
        page.await("the lineage", d -> page.all("#page-images .lib-lineage a.lib-link").size() == 1);
        assertThat(page.text("#page-images .lib-lineage")).contains("Edit of");
        page.checkAccessibleAndFits();
        page.click("#page-images .lib-lineage a.lib-link");
        page.awaitPath("/images/" + sourceId);
        page.await("made from it", d -> page.text("#page-images .lib-lineage").contains("1 edit was made from this."));
        assertThat(page.find("#page-images .lib-lineage a.lib-link").getAttribute("href")).endsWith("/images/" + editId);

        // remix: the studio's form holds the source's settings, its seed included
        page.script("[...document.querySelectorAll('#page-images a.button')].find((a) => a.textContent === 'Remix').click()");
        page.awaitPage("studio");
        page.await("the form filled", d -> ((String) page.script("return document.querySelector('#create textarea[name=prompt]').value"))
                .equals("a " + tag + " at dawn"));
        // the seed the provider picked (none was asked for) is filled in, so the remix makes the same picture
        assertThat(page.script("return document.querySelector('#create input[name=seed]').value")).isNotEqualTo("");
    }
}
