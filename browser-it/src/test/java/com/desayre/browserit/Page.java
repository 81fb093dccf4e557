package com.desayre.browserit;

import com.desayre.stackit.Studio;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio in the browser, for one test at one {@link Viewport}: open a path, sign in, find, type, click, wait on
 * the DOM (never a sleep), and check what a person would notice: accessibility (axe-core), the page fitting the
 * screen, nothing overlapping, and no console errors (checked after every test by {@link BrowserExtension}).
 */
public final class Page {
    /** How long any DOM condition may take: far above what it needs, so a slow CI machine is never the reason a test fails. */
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern FAILED_LOAD =
            Pattern.compile("^(\\S+) - Failed to load resource: the server responded with a status of (\\d{3})");

    final ChromeDriver driver;
    final Studio studio;
    final Viewport viewport;
    private final List<LogEntry> console = new ArrayList<>();

    Page(ChromeDriver driver, Studio studio, Viewport viewport) {
        this.driver = driver;
        this.studio = studio;
        this.viewport = viewport;
    }

    public Viewport viewport() {
        return viewport;
    }

    public Studio studio() {
        return studio;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Loads {@code path} (e.g. {@code /images/abc}) as a person typing the address, and waits until the router showed a page. */
    public Page open(String path) {
        driver.get(studio.base + path);
        shownPage();
        return this;
    }

    /** The page on screen ({@code studio}, {@code login}, {@code missing}, …), once the router showed one. */
    public String shownPage() {
        return await("a page of the studio shows", d -> {
            Object id = driver.executeScript("const p = document.querySelector('main > .page:not([hidden])'); return p ? p.id : null;");
            return id == null ? null : ((String) id).substring("page-".length());
        });
    }

    /** Waits until the page {@code name} shows, and returns this. */
    public Page awaitPage(String name) {
        await("the page '" + name + "' shows (#page-" + name + " not hidden)",
                d -> Boolean.TRUE.equals(driver.executeScript("const p = document.getElementById(arguments[0]); return !!p && !p.hidden;",
                        "page-" + name)));
        return this;
    }

    /** The address bar's path and query, e.g. {@code /login?next=%2Fimages%2Fx}. */
    public String path() {
        var url = URI.create(driver.getCurrentUrl());
        return url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    /** Waits until the address bar shows {@code path} (path and query). */
    public Page awaitPath(String path) {
        await("the address is " + path, d -> path.equals(path()));
        return this;
    }

    /** From the sign-in page: signs in as {@code username} and waits until the sign-in page is gone. */
    public Page signIn(String username, String password) {
        awaitPage("login");
        type("#sign-in-form input[name=username]", username);
        type("#sign-in-form input[name=password]", password);
        click("#sign-in-form button[type=submit]");
        await("signed in (the sign-in page left)", d -> !"login".equals(shownPage()));
        return this;
    }

    /** Opens {@code path} signed in as the admin: it goes through the sign-in page, which sends the person back to it. */
    public Page openAsAdmin(String path) {
        return openAs("admin", Studio.PASSWORD, path);
    }

    /** Opens {@code path} signed in as {@code username}. */
    public Page openAs(String username, String password, String path) {
        open(path);
        if ("login".equals(shownPage())) {
            signIn(username, password);
        }
        return this;
    }

    /** The visible element {@code css} (waits for it). */
    public WebElement find(String css) {
        return new WebDriverWait(driver, WAIT).withMessage(() -> "'" + css + "' is visible")
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Every element matching {@code css} now (visible or not). */
    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Clicks {@code css} once it can be clicked. */
    public Page click(String css) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "'" + css + "' can be clicked")
                .until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
        return this;
    }

    /** Replaces the text of the field {@code css} with {@code text}. */
    public Page type(String css, String text) {
        var field = find(css);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Presses keys in the focused element, e.g. {@code Keys.chord(Keys.CONTROL, Keys.ENTER)}. */
    public Page press(CharSequence keys) {
        driver.switchTo().activeElement().sendKeys(keys);
        return this;
    }

    /** The visible text of {@code css}, once it is visible and has some. */
    public String text(String css) {
        return await("'" + css + "' shows some text", d -> {
            var text = find(css).getText();
            return text.isBlank() ? null : text;
        });
    }

    /** Waits (at most {@link #WAIT}) until {@code condition} answers something other than null or false, and returns it. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("Waited " + WAIT.toSeconds() + " s for: " + what, e);
        }
    }

    public Page back() {
        driver.navigate().back();
        return this;
    }

    public Page forward() {
        driver.navigate().forward();
        return this;
    }

    /** Runs JavaScript in the page ({@code arguments[0]}, … are {@code args}). */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /**
     * What every page must pass where it stands: axe-core's rules with no {@code serious} or {@code critical} violation,
     * no horizontal scrolling, and no two controls on top of each other.
     */
    public Page checkAccessibleAndFits() {
        checkAccessibility();
        checkLayout();
        return this;
    }

    /** axe-core on the document as it is now: fails on any violation of impact serious or critical, naming rule, help and elements. */
    @SuppressWarnings("unchecked")
    public Page checkAccessibility() {
        try {
            if (!Boolean.TRUE.equals(driver.executeScript("return !!window.axe;"))) {
                driver.executeScript(AxeCore.script());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        var violations = (List<Map<String, Object>>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] })
                  .then((r) => done(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + (n.failureSummary ? " (" + n.failureSummary.replace(/\\s+/g, " ") + ")" : ""))
                  }))))
                  .catch((e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]));
                """);
        if (!violations.isEmpty()) {
            throw new AssertionError("axe-core: " + violations.size() + " serious or critical accessibility violation(s) at "
                    + path() + " (" + viewport.label() + "):\n" + violations.stream()
                    .map(v -> "- " + v.get("id") + " [" + v.get("impact") + "]: " + v.get("help") + "\n    "
                            + String.join("\n    ", (List<String>) v.get("nodes")))
                    .collect(Collectors.joining("\n")));
        }
        return this;
    }

    /** The page fits the viewport's width (no horizontal scrolling) and no two visible controls overlap. */
    @SuppressWarnings("unchecked")
    public Page checkLayout() {
        var layout = (Map<String, Object>) driver.executeScript("""
                const visible = (e) => {
                  const r = e.getBoundingClientRect();
                  if (r.width < 2 || r.height < 2) return false;
                  const s = getComputedStyle(e);
                  return s.visibility === "visible" && Number(s.opacity) > 0 && e.closest("[hidden]") === null
                    && e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
                };
                const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : "")
                  + " '" + (e.getAttribute("aria-label") || e.textContent || e.getAttribute("name") || "").trim().slice(0, 30) + "'";
                const controls = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [role=button], .badge")]
                  .filter((e) => !e.closest(".sr-only") && visible(e));
                const overlaps = [];
                for (let i = 0; i < controls.length && overlaps.length < 10; i++) {
                  for (let j = i + 1; j < controls.length; j++) {
                    const a = controls[i], b = controls[j];
                    if (a.contains(b) || b.contains(a) || (a.closest("label") && a.closest("label") === b.closest("label"))) continue;
                    const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
                    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                    if (w > 1 && h > 1) overlaps.push(name(a) + " and " + name(b) + " overlap by " + Math.round(w) + "x" + Math.round(h) + " px");
                  }
                }
                return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth, overlaps };
                """);
        var problems = new ArrayList<String>((List<String>) layout.get("overlaps"));
        long scrollWidth = ((Number) layout.get("scrollWidth")).longValue();
        long innerWidth = ((Number) layout.get("innerWidth")).longValue();
        if (scrollWidth > innerWidth) {
            problems.add(0, "the page scrolls sideways: " + scrollWidth + " px wide in a " + innerWidth + " px window");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Layout at " + path() + " (" + viewport.label() + "):\n- " + String.join("\n- ", problems));
        }
        return this;
    }

    /**
     * Saves the viewport as {@code target/screenshots/<name>-<desktop|phone>.png} (the README's pictures of the studio:
     * {@code ./desayre screenshots} copies them into docs/screenshots).
     */
    public Path screenshot(String name) {
        return save(Path.of("target/screenshots", name + "-" + viewport.label() + ".png"));
    }

    Path save(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails if the browser logged an error since the test began (see {@link #isError}). */
    public Page assertNoConsoleErrors() {
        var errors = console().stream().filter(Page::isError).toList();
        if (!errors.isEmpty()) {
            throw new AssertionError("The browser logged " + errors.size() + " error(s) at " + path() + " (" + viewport.label() + "):\n- "
                    + errors.stream().map(LogEntry::getMessage).collect(Collectors.joining("\n- ")));
        }
        return this;
    }

    /** Everything the browser logged since the test began. */
    List<LogEntry> console() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return console;
    }

    /**
     * An error: an uncaught exception or {@code console.error} (level SEVERE), or a failed load of the studio's own
     * files. An API answer of 4xx (e.g. {@code /api/auth/me} before sign-in, a refused request a test provokes) is the
     * API speaking problem+json to the page, which shows its sentence: not an error of the page.
     */
    static boolean isError(LogEntry entry) {
        if (!entry.getLevel().equals(Level.SEVERE)) {
            return false;
        }
        var failedLoad = FAILED_LOAD.matcher(entry.getMessage());
        return !(failedLoad.find() && URI.create(failedLoad.group(1)).getPath().startsWith("/api/")
                && failedLoad.group(2).startsWith("4"));
    }

    /** The console as lines, for a failure's message. */
    String consoleText() {
        var lines = console().stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
        return lines.isEmpty() ? "(nothing logged)" : String.join("\n  ", lines);
    }

    void forgetConsole() {
        driver.manage().logs().get(LogType.BROWSER);
        console.clear();
    }
}
