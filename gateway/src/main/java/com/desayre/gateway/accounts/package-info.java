/**
 * Who is calling: users and their roles ({@link com.desayre.gateway.accounts.Accounts}, the audit log),
 * sign-in and sessions (JWT in a cookie or a bearer header, {@link com.desayre.gateway.accounts.Sessions},
 * {@link com.desayre.gateway.accounts.SessionTokenRules}), sign-in limits, revocations that fail
 * closed ({@link com.desayre.gateway.accounts.Revocations}), the security filter chain and the headers
 * every answer carries ({@link com.desayre.gateway.accounts.SecurityConfiguration}), and the
 * {@link com.desayre.gateway.accounts.CurrentUser} every controller receives.
 *
 * <p>API keys and the worker secret are checked here through two ports that other features
 * implement ({@link com.desayre.gateway.accounts.ApiKeyOwners} by {@code keys}, {@link
 * com.desayre.gateway.accounts.WorkerSecretSource} by {@code queues}), so accounts depends only on
 * {@code web}, {@code messaging} and {@code redis}.
 */
package com.desayre.gateway.accounts;
