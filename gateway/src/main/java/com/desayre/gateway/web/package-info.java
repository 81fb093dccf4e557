/**
 * What every feature shares at the HTTP edge, and nothing else: problem+json answers ({@link
 * com.desayre.gateway.web.ApiProblem}, written by {@link com.desayre.gateway.web.ProblemHandler} for
 * controllers and by {@link com.desayre.gateway.web.ProblemResponses} before or outside them, with
 * {@link com.desayre.gateway.web.ProblemFallback} catching the rest) and request bodies: read strictly into each
 * feature's request records ({@link com.desayre.gateway.web.JsonBodies}: unknown fields and wrong types refused), checked
 * by their Bean Validation constraints ({@link com.desayre.gateway.web.NoControl}, {@link com.desayre.gateway.web.OneOf},
 * {@link com.desayre.gateway.web.FieldRule}; {@link com.desayre.gateway.web.RequestValidator} where Spring does not bind
 * them), every wrong field in one {@code /problems/invalid-request}; handlers name the problem types they answer with
 * {@link com.desayre.gateway.web.ProblemTypes}, for the OpenAPI document. The bottom of the gateway: it depends on no feature.
 */
package com.desayre.gateway.web;
