package com.desayre.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

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
@Validated
public record MediaSettings(@NotNull Path dir,
                            @Pattern(regexp = Urls.EMPTY_OR_HTTP, message = Urls.EMPTY_OR_HTTP_MESSAGE) String publicUrl,
                            @Valid S3 s3,
                            @Pattern(regexp = "|.{32,}", message = "must be empty (no signed links) or at least 32 characters")
                            String linkSecret,
                            @DurationMin(seconds = 1) java.time.Duration linkTtl) {

    /**
     * @param endpoint  any S3-compatible endpoint; wins over the R2 account's endpoint
     * @param accountId Cloudflare account id: the endpoint becomes https://ACCOUNT.r2.cloudflarestorage.com
     */
    public record S3(@Pattern(regexp = Urls.EMPTY_OR_HTTP, message = Urls.EMPTY_OR_HTTP_MESSAGE) String endpoint,
                     @Pattern(regexp = "[A-Za-z0-9-]*", message = "must be a Cloudflare account id (letters, digits, -)")
                     String accountId, String accessKeyId, String secretAccessKey, @NotBlank String bucket,
                     @NotBlank String region) {

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
