package com.desayre.gateway.accounts;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Users' studio preferences in {@code gateway.preferences}: one row per user who saved any. */
@Component
class PreferenceStore {
    private final DatabaseClient db;

    PreferenceStore(DatabaseClient db) {
        this.db = db;
    }

    /** The user's preferences, or {@link Preferences#NONE}. */
    Mono<Preferences> find(String username) {
        return db.sql("select theme, style_profile, aspect_ratio, lane, enhance, notifications from gateway.preferences "
                        + "where username = :username")
                .bind("username", username)
                .map(row -> new Preferences(row.get("theme", String.class), row.get("style_profile", String.class),
                        row.get("aspect_ratio", String.class), row.get("lane", String.class), row.get("enhance", Boolean.class),
                        row.get("notifications", Boolean.class)))
                .one()
                .defaultIfEmpty(Preferences.NONE);
    }

    /** Replaces them all. */
    Mono<Void> save(String username, Preferences preferences) {
        var sql = db.sql("insert into gateway.preferences (username, theme, style_profile, aspect_ratio, lane, enhance, notifications) "
                        + "values (:username, :theme, :style, :aspect, :lane, :enhance, :notifications) "
                        + "on conflict (username) do update set theme = excluded.theme, style_profile = excluded.style_profile, "
                        + "aspect_ratio = excluded.aspect_ratio, lane = excluded.lane, enhance = excluded.enhance, "
                        + "notifications = excluded.notifications, updated_at = now()")
                .bind("username", username);
        sql = bind(sql, "theme", preferences.theme(), String.class);
        sql = bind(sql, "style", preferences.styleProfile(), String.class);
        sql = bind(sql, "aspect", preferences.aspectRatio(), String.class);
        sql = bind(sql, "lane", preferences.lane(), String.class);
        sql = bind(sql, "enhance", preferences.enhance(), Boolean.class);
        sql = bind(sql, "notifications", preferences.notifications(), Boolean.class);
        return sql.then();
    }

    private static <T> DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec sql, String name, T value, Class<T> type) {
        return value == null ? sql.bindNull(name, type) : sql.bind(name, value);
    }
}
