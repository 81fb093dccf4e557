package com.desayre.browserit;

import com.desayre.stackit.Studio;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The studio in the browser, for one test at one {@link Viewport}: open a path, sign in, find, type, click, wait on
 * the DOM (never a sleep), and check what a person would notice: accessibility (axe-core), the page fitting the
 * screen, nothing overlapping, and no console errors (checked after every test by {@link BrowserExtension}).
 */
public final class Page {
    /** How long any DOM condition may take: far above what it needs, so a slow CI machine is never the reason a test fails. */
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Sign-in cookies (Set-Cookie values) by username and password, shared by the tests of this JVM ({@link #openAs}). */
    private static final Map<String, List<String>> SESSIONS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Pattern FAILED_LOAD =
            Pattern.compile("^(\\S+) - Failed to load resource: the server responded with a status of (\\d{3})");

    final ChromeDriver driver;
    final Studio studio;
    final Viewport viewport;
    private final List<LogEntry> console = new ArrayList<>();
    /** Addresses at which the studio showed its "Nothing here" page: their 404 is the studio's answer, not an error. */
    private final Set<String> notFound = new HashSet<>();

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
        var shown = await("a page of the studio shows", d -> {
            Object id = driver.executeScript("const p = document.querySelector('main > .page:not([hidden])'); return p ? p.id : null;");
            return id == null ? null : ((String) id).substring("page-".length());
        });
        if (shown.equals("missing")) {
            notFound.add(driver.getCurrentUrl());
        }
        return shown;
    }

    /** Waits until the page {@code name} shows, and returns this. */
    public Page awaitPage(String name) {
        await("the page '" + name + "' shows (#page-" + name + " not hidden)",
                d -> Boolean.TRUE.equals(driver.executeScript("const p = document.getElementById(arguments[0]); return !!p && !p.hidden;",
                        "page-" + name)));
        shownPage();
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

    /** Opens {@code path} signed in as the admin. */
    public Page openAsAdmin(String path) {
        return openAs("admin", Studio.PASSWORD, path);
    }

    /**
     * Opens {@code path} signed in as {@code username}: signs in over the API (with this browser's User-Agent, so the
     * session lists as this browser's) and hands the browser the session cookie, which saves each test the sign-in
     * page's load ({@link SignInIT} tests that page). Replaces any session the browser had. The session is kept for the
     * next test that opens a page as the same user (a sign-in hashes a password: CPU the suite spent ~40 times), as long
     * as the API still knows it (a test that signs out or changes the password ends it, and the next one signs in).
     */
    public Page openAs(String username, String password, String path) {
        var key = username + "\n" + password;
        var cookies = SESSIONS.get(key);
        if (cookies == null || !stillSignedIn(cookies)) {
            cookies = signInOverApi(username, password);
            SESSIONS.put(key, cookies);
        }
        cookies.forEach(this::setCookie);
        return open(path);
    }

    private List<String> signInOverApi(String username, String password) {
        var userAgent = (String) driver.executeScript("return navigator.userAgent;");
        var login = send(HttpRequest.newBuilder(URI.create(studio.base + "/api/auth/login")).timeout(WAIT)
                .header("Content-Type", "application/json").header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", username, "password", password))))
                .build());
        if (login.statusCode() != 200) {
            throw new AssertionError("Signing in as " + username + " answered " + login.statusCode() + ": " + login.body());
        }
        return List.copyOf(login.headers().allValues("Set-Cookie"));
    }

    /** Whether the API still takes these sign-in cookies (GET /api/auth/me answers 200). */
    private boolean stillSignedIn(List<String> setCookies) {
        var cookie = setCookies.stream().map(c -> c.split(";", 2)[0].strip()).collect(Collectors.joining("; "));
        return send(HttpRequest.newBuilder(URI.create(studio.base + "/api/auth/me")).timeout(WAIT).header("Cookie", cookie).GET().build())
                .statusCode() == 200;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A Set-Cookie of the studio's, given to the browser as the browser would have taken it. */
    private void setCookie(String setCookie) {
        var parts = setCookie.split(";");
        var nameValue = parts[0].split("=", 2);
        var cookie = new HashMap<String, Object>(Map.of("name", nameValue[0].strip(), "value", nameValue[1].strip(), "url", studio.base));
        for (var i = 1; i < parts.length; i++) {
            var attribute = parts[i].strip().split("=", 2);
            switch (attribute[0].toLowerCase(java.util.Locale.ROOT)) {
                case "path" -> cookie.put("path", attribute[1]);
                case "httponly" -> cookie.put("httpOnly", true);
                case "secure" -> cookie.put("secure", true);
                case "samesite" -> cookie.put("sameSite", attribute[1].substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                        + attribute[1].substring(1).toLowerCase(java.util.Locale.ROOT));
                default -> { } // Max-Age, Expires: a session cookie outlives no test
            }
        }
        driver.executeCdpCommand("Network.setCookie", cookie);
    }

    /**
     * Draws the studio in its light theme from now on (the choice settings keeps in localStorage, which each test starts
     * without): reloads the page and waits until it shows again.
     */
    public Page lightTheme() {
        driver.executeScript("localStorage.setItem('desayre.theme', 'light');");
        driver.navigate().refresh();
        shownPage();
        await("the light theme is drawn", d -> "light".equals(driver.executeScript("return document.documentElement.dataset.theme")));
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

    /**
     * Waits until the picture {@code css} (an {@code img}, maybe lazy) has loaded: scrolls it into view, as a person
     * would, and back to the top of the page after.
     */
    public Page awaitPicture(String css) {
        var last = new Object[1];
        try {
            await("the picture '" + css + "' loaded", d -> {
                last[0] = driver.executeScript("""
                        const img = document.querySelector(arguments[0]);
                        if (img === null) return "none in " + document.querySelectorAll("#gallery .tile").length + " tiles";
                        img.scrollIntoView({ block: "center" });
                        return img.complete && img.naturalWidth > 0 ? true : img.src + " complete " + img.complete + " width " + img.naturalWidth;
                        """, css);
                return Boolean.TRUE.equals(last[0]);
            });
        } catch (AssertionError notLoaded) {
            throw new AssertionError(notLoaded.getMessage() + " (last seen: " + last[0] + ")", notLoaded);
        }
        driver.executeScript("window.scrollTo(0, 0);");
        return this;
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

    /**
     * The page fits the viewport's width (no horizontal scrolling), and no visible control or badge in the viewport
     * is covered by another one at its centre (where a person taps it). Controls laid over a bigger one on purpose,
     * e.g. a tile's Edit button on its picture, pass as long as nothing covers the middle of either. With a modal
     * dialog open, only the dialog's controls are checked (the page behind it is inert). Every visible navigation
     * link ({@code nav a}) shows whole without scrolling its bar, and on a touch screen is at least 44 px each way.
     */
    @SuppressWarnings("unchecked")
    public Page checkLayout() {
        var layout = (Map<String, Object>) driver.executeScript("""
                const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, [role=button], .badge";
                const visible = (e) => {
                  const r = e.getBoundingClientRect();
                  return r.width >= 2 && r.height >= 2 && e.closest(".sr-only") === null
                    && e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
                };
                const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "")
                  + " '" + (e.getAttribute("aria-label") || e.textContent || e.getAttribute("name") || "").trim().slice(0, 30) + "'";
                const covered = [];
                // an open modal dialog makes the rest of the page inert: only its own controls can be tapped
                const scope = document.querySelector("dialog:modal") || document;
                for (const e of scope.querySelectorAll(CONTROLS)) {
                  if (!visible(e) || covered.length >= 10) continue;
                  const r = e.getBoundingClientRect();
                  const x = r.left + r.width / 2, y = r.top + r.height / 2;
                  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
                  const hit = document.elementFromPoint(x, y);
                  if (hit === null || e.contains(hit) || hit.contains(e)) continue;
                  const over = hit.closest(CONTROLS);
                  // a label's own input (a custom checkbox or radio drawn over it) is one control with it
                  if (over === null || over.contains(e) || (e.closest("label") !== null && e.closest("label") === over.closest("label"))) continue;
                  covered.push(name(e) + " is covered by " + name(over) + " at its centre");
                }
                // a navigation link must show whole where it stands, not scrolled into view inside its bar, and on a
                // touch screen be a target a finger hits (44 px, WCAG 2.5.5)
                const cut = [];
                for (const e of document.querySelectorAll("nav a[href], nav button")) {
                  if (!visible(e) || cut.length >= 10) continue;
                  const r = e.getBoundingClientRect();
                  let box = { left: 0, right: innerWidth, what: "the window" };
                  for (let up = e.parentElement; up !== null && up !== document.body; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== "visible") {
                      const b = up.getBoundingClientRect();
                      box = { left: Math.max(box.left, b.left), right: Math.min(box.right, b.right), what: name(up).split(" ")[0] };
                    }
                  }
                  if (r.right > box.right + 0.5 || r.left < box.left - 0.5)
                    cut.push(name(e) + " is cut off by " + box.what + " (" + Math.round(r.left) + "-" + Math.round(r.right) + " px, shown "
                      + Math.round(box.left) + "-" + Math.round(box.right) + " px)");
                  else if (arguments[0] && (r.height < 43.5 || r.width < 43.5))
                    cut.push(name(e) + " is " + Math.round(r.width) + "x" + Math.round(r.height) + " px: smaller than a 44 px tap target");
                }
                return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth, covered: covered.concat(cut) };
                """, viewport.mobile);
        var problems = new ArrayList<String>((List<String>) layout.get("covered"));
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
        var errors = console().stream().filter(entry -> isError(entry, notFound)).toList();
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
     * API speaking problem+json to the page, which shows its sentence: not an error of the page; nor is the 404 of an
     * address ({@code notFound}) at which the studio showed its "Nothing here" page.
     */
    static boolean isError(LogEntry entry, Set<String> notFound) {
        if (!entry.getLevel().equals(Level.SEVERE)) {
            return false;
        }
        var failedLoad = FAILED_LOAD.matcher(entry.getMessage());
        if (!failedLoad.find()) {
            return true;
        }
        var url = failedLoad.group(1);
        var status = failedLoad.group(2);
        var apiRefusal = URI.create(url).getPath().startsWith("/api/") && status.startsWith("4");
        return !apiRefusal && !(status.equals("404") && notFound.contains(url));
    }

    /** The console as lines, for a failure's message. */
    String consoleText() {
        var lines = console().stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
        return lines.isEmpty() ? "(nothing logged)" : String.join("\n  ", lines);
    }

    void forgetConsole() {
        driver.manage().logs().get(LogType.BROWSER);
        console.clear();
        notFound.clear();
    }
}
