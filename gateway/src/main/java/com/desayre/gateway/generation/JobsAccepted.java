package com.desayre.gateway.generation;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The 202 every generate endpoint answers once Kafka has its jobs, for the OpenAPI document (springdoc reads it through). */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ApiResponse(responseCode = "202", description = "Accepted once Kafka has every job: the job, or with `n` > 1 a list of them",
        headers = @Header(name = "Location", description = "The job's status, /api/jobs/{jobId} (one job only)",
                schema = @Schema(type = "string", format = "uri-reference")),
        content = @Content(mediaType = "application/json", schema = @Schema(ref = "#/components/schemas/Submission")))
@interface JobsAccepted {
}
