package com.desayre.browserit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.Topics;
import com.desayre.stackit.Studio;
import com.desayre.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin page (/admin): its tabs are addresses; a user is created and made an admin, and the admin's own account
 * cannot be locked out; a dead letter is seen with its reason and replayed; the stats' charts draw a job just made; the
 * audit log filters by user with the filter in the address. The dead letter, stats and audit flows run at desktop width
 * only: each tab is checked at the phone's width by everyTabInTheLightThemeIsAccessibleAndFits (and ScreenshotsIT).
 */
class AdminPageIT {
    private static final String DLQ = Topics.dlq(Topics.IMAGE_REQUESTED);

    @PageTest
    void eachTabIsAnAddressThatBackAndReloadKeep(Page page) {
        page.openAsAdmin("/admin").awaitPage("admin");
        assertThat(page.find("#admin-tabs a[data-tab=users]").getAttribute("aria-current")).isEqualTo("page");
        assertThat(page.text("#admin-user-count")).contains("users");
        page.click("#admin-tabs a[data-tab=queues]").awaitPath("/admin/queues");
        page.await("the queues tab is live", d -> page.text("#queues-updated").startsWith("Live · updated"));
        assertThat(page.all("#queues-lanes tbody tr")).hasSize(4);
        page.checkAccessibleAndFits();
        page.click("#admin-tabs a[data-tab=stats]").awaitPath("/admin/stats");
        page.back().awaitPath("/admin/queues");
        assertThat(page.find("#admin-queues").isDisplayed()).isTrue();
        page.open("/admin/queues").awaitPage("admin");
        assertThat(page.find("#admin-tabs a[data-tab=queues]").getAttribute("aria-current")).isEqualTo("page");
    }

    @PageTest
    void anAdminCreatesAUserMakesThemAnAdminAndCannotLockThemselvesOut(Page page) {
        page.openAsAdmin("/admin/users").awaitPage("admin");
        var name = "newcomer-" + page.viewport().label();
        page.type("#admin-new-user input[name=username]", name).type("#admin-new-user input[name=password]", "short")
                .click("#admin-create");
        // the API's own sentence, beside the field it names
        assertThat(page.text("#admin-new-user .field-error")).startsWith("A password needs at least");
        page.type("#admin-new-user input[name=password]", "four unrelated words here").click("#admin-create");
        page.await(name + " is listed", d -> !page.all("#admin-user-list button[aria-label='Manage " + name + "']").isEmpty());
        page.checkAccessibleAndFits();

        page.click("#admin-user-list button[aria-label='Manage " + name + "']");
        new Select(page.find("#admin-user-role select[name=role]")).selectByValue("admin");
        page.click("#admin-user-role button[type=submit]");
        page.await("the role is changed", d -> (name + " is now an admin.").equals(page.find("#admin-user-done").getText()));
        page.checkAccessibleAndFits();
        page.click("#close-admin-user");

        page.click("#admin-user-list button[aria-label='Manage admin']");
        assertThat(page.text("#admin-user-lock")).contains("cannot demote or disable it yourself");
        assertThat(page.find("#admin-user-enable").isEnabled()).isFalse();
        assertThat(page.find("#admin-user-role select[name=role]").isEnabled()).isFalse();
    }

    @PageTest(Viewport.DESKTOP)
    void aDeadLetterShowsItsReasonAndIsReplayed(Page page) throws Exception {
        var jobId = "dead-letter-" + page.viewport().label() + "-" + System.nanoTime();
        deadLetter(jobId);
        page.openAsAdmin("/admin/queues").awaitPage("admin");
        page.click("#dlq-view-" + DLQ.replace('.', '-'));
        var record = "#queues-records li[data-job='" + jobId + "']";
        assertThat(page.text(record + " .excerpt")).isEqualTo("the database was away");
        page.checkAccessibleAndFits();
        page.click(record + " button[aria-label^='Replay record']");
        page.await("the replay is reported", d -> ("Replayed 1 record of " + DLQ + ".").equals(page.find("#queues-done").getText()));
        // the record is marked replayed (the worker may send the unreadable copy back to the DLQ: a new record)
        page.await("the record is marked replayed", d -> page.find(record).getAttribute("class").contains("handled"));
    }

    @PageTest(Viewport.DESKTOP)
    void theStatsChartsDrawAJobJustMade(Page page) throws Exception {
        var jobId = page.studio().submitImage("a weather vane for the stats on " + page.viewport().label(), "1:1");
        assertThat(page.studio().awaitTerminal(jobId).get("status").asString()).isEqualTo("COMPLETED");
        page.openAsAdmin("/admin/stats?range=24h").awaitPage("admin");
        page.await("the jobs chart has a completed bar", d -> !page.all("#stats-body svg rect.s-COMPLETED").isEmpty());
        var chart = page.find("#stats-body figure svg[role=img]");
        assertThat(chart.findElement(org.openqa.selenium.By.tagName("title")).getAttribute("textContent")).isEqualTo("Jobs per hour by status");
        page.script("document.querySelectorAll('#stats-body details').forEach((d) => { d.open = true; });");
        assertThat(page.all("#stats-body figure table tbody tr")).isNotEmpty();
        page.checkAccessibleAndFits();
        new Select(page.find("#stats-range select[name=range]")).selectByValue("7d");
        page.awaitPath("/admin/stats?range=7d");
    }

    @PageTest(Viewport.DESKTOP)
    void theAuditLogFiltersByUserWithTheFilterInTheAddress(Page page) throws Exception {
        var member = "audited-" + page.viewport().label();
        page.studio().account(member, "member");
        page.openAsAdmin("/admin/audit").awaitPage("admin");
        page.type("#audit-filter input[name=user]", member).click("#audit-filter button[type=submit]");
        page.awaitPath("/admin/audit?user=" + member);
        page.await("the entries are the member's", d -> Boolean.TRUE.equals(page.script("""
                const entries = [...document.querySelectorAll("#audit-list li.audit-entry")].map((li) => li.textContent);
                return entries.length > 0 && entries.every((text) => text.includes(arguments[0]));""", member)));
        assertThat(page.text("#audit-list")).contains("user.create");
        page.checkAccessibleAndFits();
        page.back().awaitPath("/admin/audit");
        page.await("the filter is cleared", d -> page.find("#audit-filter input[name=user]").getAttribute("value").isEmpty());
    }

    /**
     * Every tab in the light theme (the studio's default is dark): accessible (axe's contrast) and fitting the screen,
     * the queues' tables read without scrolling sideways inside their boxes.
     */
    @PageTest
    void everyTabInTheLightThemeIsAccessibleAndFits(Page page) throws Exception {
        var jobId = "light-" + page.viewport().label() + "-" + System.nanoTime();
        deadLetter(jobId);
        page.openAsAdmin("/admin/users").awaitPage("admin").lightTheme();
        assertThat(page.text("#admin-user-count")).contains("user");
        page.checkAccessibleAndFits().screenshot("admin-light-users");
        page.click("#admin-tabs a[data-tab=queues]").awaitPath("/admin/queues");
        page.await("the queues tab is live", d -> page.text("#queues-updated").startsWith("Live · updated"));
        page.click("#dlq-view-" + DLQ.replace('.', '-'));
        page.find("#queues-records li[data-job='" + jobId + "']");
        // readable where it stands: no table hides columns to the right of a box that scrolls (on a phone, rows are cards)
        assertThat(page.script("""
                return [...document.querySelectorAll("#admin-queues .table-wrap")]
                  .filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.getAttribute("aria-label"));""")).asList().isEmpty();
        page.checkAccessibleAndFits().screenshot("admin-light-queues");
        page.click("#admin-tabs a[data-tab=stats]").awaitPath("/admin/stats");
        page.await("the stats show", d -> !page.all("#stats-body figure, #stats-body .card").isEmpty());
        page.checkAccessibleAndFits().screenshot("admin-light-stats");
        page.click("#admin-tabs a[data-tab=audit]").awaitPath("/admin/audit");
        page.await("the audit log shows", d -> !page.all("#audit-list li.audit-entry").isEmpty());
        page.checkAccessibleAndFits().screenshot("admin-light-audit");
    }

    /** A dead letter as the binder writes it: the job's key, an unreadable value, the failure headers. */
    private static void deadLetter(String jobId) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            var record = new ProducerRecord<String, byte[]>(DLQ, jobId, "{\"not\":\"a job\"}".getBytes(StandardCharsets.UTF_8));
            record.headers().add("x-original-topic", Topics.IMAGE_REQUESTED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("x-exception-message", "the database was away".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }
}
