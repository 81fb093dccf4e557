package com.desayre.browserit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of the studio in the browser, run twice: at desktop width and at phone width ({@link Viewport}). The method
 * takes a {@link Page}; each run starts signed out, with no cookies or storage, in a new tab, and fails if the
 * browser logged an error (a failure saves {@code target/browser-failures/<Class>.<method>-<viewport>.png}).
 * {@code @PageTest(Viewport.DESKTOP)} runs it at one width only: for a flow that waits on a clock or a server and whose
 * layout another test already checks at both widths.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(BrowserExtension.class)
public @interface PageTest {
    /** The widths it runs at: both unless the phone's run would check nothing the other tests do not. */
    Viewport[] value() default {Viewport.DESKTOP, Viewport.PHONE};

    /** Runs it once per value here (at each width), the value given as its {@code String} parameter: one test for cases of one shape. */
    String[] each() default {};
}
