package com.desayre.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aspect ratios an image may be asked for, and the pixel size each becomes (Nano Banana
 * Pro's 1K sizes).
 */
final class AspectRatios {
    static final String DEFAULT = "1:1";
    static final Map<String, int[]> SIZES;

    static {
        var sizes = new LinkedHashMap<String, int[]>();
        sizes.put("1:1", new int[] {1024, 1024});
        sizes.put("2:3", new int[] {848, 1264});
        sizes.put("3:2", new int[] {1264, 848});
        sizes.put("3:4", new int[] {896, 1200});
        sizes.put("4:3", new int[] {1200, 896});
        sizes.put("4:5", new int[] {928, 1152});
        sizes.put("5:4", new int[] {1152, 928});
        sizes.put("9:16", new int[] {768, 1376});
        sizes.put("16:9", new int[] {1376, 768});
        sizes.put("21:9", new int[] {1584, 672});
        SIZES = java.util.Collections.unmodifiableMap(sizes);
    }

    private AspectRatios() {
    }
}
