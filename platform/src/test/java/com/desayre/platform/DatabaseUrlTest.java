package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void aNeonStyleUrlBecomesR2dbcAndFlywaySettings() {
        var properties = DatabaseUrl.springProperties("postgresql://alex:p%40ss@ep-cool.eu.aws.neon.tech/neondb?sslmode=require");
        assertThat(properties)
                .containsEntry(DatabaseUrl.R2DBC_URL, "r2dbc:postgresql://ep-cool.eu.aws.neon.tech:5432/neondb?sslMode=require")
                .containsEntry(DatabaseUrl.JDBC_URL, "jdbc:postgresql://ep-cool.eu.aws.neon.tech:5432/neondb?sslmode=require")
                .containsEntry(DatabaseUrl.USERNAME, "alex")
                .containsEntry(DatabaseUrl.PASSWORD, "p@ss");
    }

    @Test
    void noUrlMeansNoOverrides() {
        assertThat(DatabaseUrl.springProperties(null)).isEmpty();
        assertThat(DatabaseUrl.springProperties(" ")).isEmpty();
    }

    @Test
    void anotherSchemeIsRefusedWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> DatabaseUrl.springProperties("mysql://u:secret@h/db"))
                .hasMessageNotContaining("secret");
    }
}
