/**
 * What every feature shares at the HTTP edge, and nothing else: problem+json answers ({@link
 * com.desayre.gateway.web.ApiProblem}, written by {@link com.desayre.gateway.web.ProblemHandler} for
 * controllers and by {@link com.desayre.gateway.web.ProblemResponses} before or outside them, with
 * {@link com.desayre.gateway.web.ProblemFallback} catching the rest) and reading JSON request bodies
 * ({@link com.desayre.gateway.web.RequestFields}). The bottom of the gateway: it depends on no feature.
 */
package com.desayre.gateway.web;
