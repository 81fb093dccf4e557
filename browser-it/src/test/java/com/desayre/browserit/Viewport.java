package com.desayre.browserit;

import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;

/** The two widths every page test runs at: a desktop window, and a phone (emulated: touch, mobile viewport). */
public enum Viewport {
    DESKTOP(1280, 900, false),
    PHONE(390, 844, true);

    final int width;
    final int height;
    final boolean mobile;

    Viewport(int width, int height, boolean mobile) {
        this.width = width;
        this.height = height;
        this.mobile = mobile;
    }

    /** Emulates this viewport in the browser's tab (stays across navigations). */
    void apply(ChromeDriver driver) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
        driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", mobile, "maxTouchPoints", mobile ? 5 : 1));
    }

    /** desktop / phone, as in screenshot names. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
