package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccountRulesTest {

    @Test
    void usernames() {
        assertThat(AccountRules.normalize("  Ada.Lovelace ")).isEqualTo("ada.lovelace");
        assertThat(AccountRules.usernameProblem("ada.lovelace")).isNull();
        assertThat(AccountRules.usernameProblem("a_1")).isNull();
        assertThat(AccountRules.usernameProblem("ab")).isNotNull();
        assertThat(AccountRules.usernameProblem("-ada")).isNotNull();
        assertThat(AccountRules.usernameProblem("ada lovelace")).isNotNull();
        assertThat(AccountRules.usernameProblem("x".repeat(33))).isNotNull();
    }

    @Test
    void passwords() {
        assertThat(AccountRules.passwordProblem("correct horse battery", "ada")).isNull();
        assertThat(AccountRules.passwordProblem("short", "ada")).contains("12 characters");
        assertThat(AccountRules.passwordProblem("ada-is-my-password", "ada")).contains("username");
        assertThat(AccountRules.passwordProblem("aaaaaaaaaaaaaaaa", "ada")).contains("different characters");
        assertThat(AccountRules.passwordProblem("Password1234", "ada")).contains("common");
        assertThat(AccountRules.passwordProblem("é".repeat(40), "ada")).contains("72 bytes");
    }

    @Test
    void bcryptShape() {
        assertThat(AccountRules.looksLikeBcrypt("$2a$10$abcdefghijklmnopqrstuJ7Zx0S4bW0V9yV1H7rF6Qqv0Jm0Ww2Wi")).isTrue();
        assertThat(AccountRules.looksLikeBcrypt("$argon2id$v=19$m=65536,t=3,p=4$abc")).isFalse();
        assertThat(AccountRules.looksLikeBcrypt("plain")).isFalse();
    }
}
