package com.desayre.platform;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.media.*}: where media is kept. With an S3 endpoint or an R2 account id set,
 * media goes to that bucket; otherwise to {@code dir} on local disk.
 *
 * @param publicUrl  R2's public (CDN) base URL; when set, users are sent there instead of the gateway
 * @param linkSecret signs the short-lived links a provider fetches a source image from (see {@link MediaLinks});
 *                   unset means no links: sources must then be public ({@code publicUrl})
 * @param linkTtl    how long such a link works
 */
@ConfigurationProperties("desayre.media")
public record MediaSettings(Path dir, String publicUrl, S3 s3, String linkSecret, java.time.Duration linkTtl) {

    /**
     * @param endpoint  any S3-compatible endpoint; wins over the R2 account's endpoint
     * @param accountId Cloudflare account id: the endpoint becomes https://ACCOUNT.r2.cloudflarestorage.com
     */
    public record S3(String endpoint, String accountId, String accessKeyId, String secretAccessKey, String bucket,
                     String region) {

        boolean configured() {
            return notBlank(endpoint) || notBlank(accountId);
        }

        String effectiveEndpoint() {
            return notBlank(endpoint) ? endpoint : "https://" + accountId + ".r2.cloudflarestorage.com";
        }

        @Override
        public String toString() {
            // the secret never reaches a log line
            return "S3[endpoint=" + endpoint + ", accountId=" + accountId + ", bucket=" + bucket + ", region=" + region + "]";
        }
    }

    static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
