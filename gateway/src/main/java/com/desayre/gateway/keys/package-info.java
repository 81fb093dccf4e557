/**
 * Personal API keys: create (the secret shown once), list, revoke ({@code /api/keys}); stores only the
 * secret's SHA-256 and answers {@link com.desayre.gateway.accounts.ApiKeyOwners} for sign-in.
 */
package com.desayre.gateway.keys;
