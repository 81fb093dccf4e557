/**
 * The OpenAPI document ({@code /v3/api-docs}, {@code /swagger-ui.html}): it describes every feature,
 * so it sits above them all and nothing uses it.
 */
package com.desayre.gateway.openapi;
