package com.desayre.platform;

import java.util.HashMap;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * How every DESAYRE service starts, alone or inside local-stack. Each service reads
 * {@code desayre-platform.yml} (what all services share) and then its own {@code <name>.yml}:
 * named files, because local-stack runs several services in one JVM where a classpath holds
 * one {@code application.yml} per jar.
 */
public final class ServiceApplication {

    public static SpringApplicationBuilder builder(Class<?> application, String name) {
        var defaults = new HashMap<String, Object>();
        defaults.put("spring.config.name", "desayre-platform," + name);
        defaults.put("spring.application.name", name);
        defaults.putAll(DatabaseUrl.springProperties(System.getenv("DATABASE_URL")));
        return new SpringApplicationBuilder(application).properties(defaults);
    }

    private ServiceApplication() {
    }
}
