package com.desayre.webhooks;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dispatcher's own JDBC pool on the database the gateway migrates. Declared here rather than left to Boot: where
 * R2DBC is on the classpath too (local-stack runs every service in one JVM), Boot's DataSource backs off in favour of
 * the R2DBC connection factory, and the schedule is blocking JDBC by design (a sender thread per delivery).
 */
@Configuration(proxyBeanMethods = false)
class DispatcherDatabase {

    @Bean(destroyMethod = "close")
    HikariDataSource webhookDataSource(@Value("${spring.flyway.url}") String url, @Value("${spring.r2dbc.username}") String username,
                                       @Value("${spring.r2dbc.password}") String password,
                                       @Value("${desayre.webhooks.database-pool-size:10}") int poolSize,
                                       @Value("${desayre.webhooks.database-connect-timeout:30s}") Duration connectTimeout) {
        var pool = new HikariDataSource();
        pool.setPoolName("webhook-dispatcher");
        pool.setJdbcUrl(url);
        pool.setUsername(username);
        pool.setPassword(password);
        pool.setMaximumPoolSize(poolSize);
        // how long a call waits for a connection before it fails (and, the database being away, tries again)
        pool.setConnectionTimeout(connectTimeout.toMillis());
        return pool;
    }

    @Bean
    JdbcClient webhookDatabase(HikariDataSource webhookDataSource) {
        return JdbcClient.create(webhookDataSource);
    }
}
