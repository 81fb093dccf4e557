package com.desayre.platform;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps the seed's {@code DATABASE_URL} ({@code postgres://user:pass@host:port/db?sslmode=require},
 * as Neon and Supabase hand it out) onto the R2DBC settings the services read and the JDBC
 * settings Flyway migrates with. The results are {@code desayre.database.*} defaults that
 * {@code desayre-platform.yml} reads, so an explicit {@code spring.r2dbc.url} still wins.
 */
public final class DatabaseUrl {
    static final String R2DBC_URL = "desayre.database.r2dbc-url";
    static final String JDBC_URL = "desayre.database.jdbc-url";
    static final String USERNAME = "desayre.database.username";
    static final String PASSWORD = "desayre.database.password";

    public static Map<String, Object> springProperties(String databaseUrl) {
        var properties = new LinkedHashMap<String, Object>();
        if (databaseUrl == null || databaseUrl.isBlank()) {
            return properties;
        }
        var uri = URI.create(databaseUrl.strip().replaceFirst("^(jdbc:|r2dbc:)", ""));
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException("DATABASE_URL must be a postgres:// or postgresql:// URL");
        }
        var port = uri.getPort() > 0 ? uri.getPort() : 5432;
        var hostAndDb = uri.getHost() + ":" + port + uri.getPath();
        var sslMode = sslMode(uri.getQuery());
        properties.put(R2DBC_URL, "r2dbc:postgresql://" + hostAndDb + (sslMode == null ? "" : "?sslMode=" + sslMode));
        properties.put(JDBC_URL, "jdbc:postgresql://" + hostAndDb + (sslMode == null ? "" : "?sslmode=" + sslMode));
        if (uri.getRawUserInfo() != null) {
            var userInfo = uri.getRawUserInfo().split(":", 2);
            var user = decode(userInfo[0]);
            properties.put(USERNAME, user);
            if (userInfo.length == 2) {
                var password = decode(userInfo[1]);
                properties.put(PASSWORD, password);
            }
        }
        return properties;
    }

    private static String sslMode(String query) {
        if (query == null) {
            return null;
        }
        for (var pair : query.split("&")) {
            var kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].equalsIgnoreCase("sslmode")) {
                return kv[1];
            }
        }
        return null;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private DatabaseUrl() {
    }
}
