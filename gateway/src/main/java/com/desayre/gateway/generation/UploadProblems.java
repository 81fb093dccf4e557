package com.desayre.gateway.generation;

import com.desayre.gateway.web.ProblemTypes;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a handler that reads a multipart form with an uploaded image ({@link MultipartForms}, {@link Uploads}) may
 * answer: a form that breaks the bounds, an image of the wrong kind or size, too many uploads decoding at once. For
 * the OpenAPI document.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ProblemTypes({"invalid-request", "malformed-multipart", "too-many-parts", "multipart-field-too-large", "upload-too-large",
        "unsupported-upload", "unreadable-upload", "upload-dimensions", "uploads-busy"})
@interface UploadProblems {
}
