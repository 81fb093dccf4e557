package com.desayre.gateway.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem types (the {@code type} of an {@link ApiProblem}, without {@code /problems/}) a handler may answer
 * beyond those every operation of its kind can (sign-in required, a malformed body, an internal error…): the
 * OpenAPI document lists each under its status, as {@code application/problem+json} with an example. Only
 * documentation: it changes no answer. On an annotation type, it names the problems of every handler that annotation
 * marks (a family of handlers, e.g. every submission of jobs).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface ProblemTypes {
    /** e.g. {@code "not-found"}, {@code "job-finished"} */
    String[] value();
}
