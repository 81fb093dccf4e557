package com.desayre.browserit;

import com.desayre.stackit.Studio;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.openqa.selenium.WindowType;

/**
 * Runs each {@link PageTest} once per {@link Viewport} in the JVM's one Chromium ({@link Chrome}) against the JVM's
 * one studio ({@link Studio}). Before each run: a new tab, no cookies or storage (every run starts signed out, so
 * runs never depend on each other's order), the viewport, an empty console. After it: no console errors. On a
 * failure: a screenshot in {@code target/browser-failures/}, and the page's address and console in the message.
 */
final class BrowserExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(PageTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        var test = context.getRequiredTestMethod().getAnnotation(PageTest.class);
        var cases = test.each().length == 0 ? new String[] {null} : test.each();
        return Arrays.stream(cases).flatMap(value -> Arrays.stream(test.value()).map(viewport -> new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return value == null ? viewport.label() : value + " " + viewport.label();
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new PageAtViewport(viewport, value));
            }
        }));
    }

    /** One run of a page test at one viewport: its {@link Page}, its clean start and its checks. */
    static final class PageAtViewport implements ParameterResolver, BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {
        private final Viewport viewport;
        /** The case of a {@link PageTest#each()} test, null for others. */
        private final String value;
        private Page page;

        PageAtViewport(Viewport viewport, String value) {
            this.viewport = viewport;
            this.value = value;
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            var type = parameter.getParameter().getType();
            return type == Page.class || (type == String.class && value != null);
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Page.class ? page : value;
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            var studio = Studio.get();
            var driver = Chrome.get();
            // a new tab, the last test's closed: nothing it had open (an event stream, pages kept in the back-forward
            // cache with their streams, which count against the browser's 6 connections to the studio) outlives it
            var last = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            var fresh = driver.getWindowHandle();
            driver.switchTo().window(last).close();
            driver.switchTo().window(fresh);
            driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", studio.base, "storageTypes", "all"));
            viewport.apply(driver);
            page = new Page(driver, studio, viewport);
            page.forgetConsole();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (context.getExecutionException().isEmpty()) {
                try {
                    page.assertNoConsoleErrors();
                } catch (AssertionError error) {
                    throw withScreenshot(context, error);
                }
            }
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            throw page == null ? failure : withScreenshot(context, failure);
        }

        private AssertionError withScreenshot(ExtensionContext context, Throwable failure) {
            var name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                    + (value == null ? "" : "-" + value) + "-" + viewport.label();
            String where;
            String screenshot;
            try {
                where = page.driver.getCurrentUrl();
                screenshot = page.save(Path.of("target/browser-failures", name + ".png")).toString();
            } catch (RuntimeException browserGone) {
                where = "(unknown: " + browserGone.getMessage() + ")";
                screenshot = "(none)";
            }
            String console;
            try {
                console = page.consoleText();
            } catch (RuntimeException browserGone) {
                console = "(unavailable)";
            }
            var error = new AssertionError(failure.getMessage() + "\n  at " + where + " (" + viewport.label() + "), screenshot " + screenshot
                    + "\n  console:\n  " + console, failure);
            error.setStackTrace(failure.getStackTrace());
            return error;
        }
    }
}
