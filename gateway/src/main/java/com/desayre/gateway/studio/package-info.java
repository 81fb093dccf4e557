/**
 * The web studio's pages: {@link com.desayre.gateway.studio.StudioPages} answers {@code index.html} for each page's
 * path ({@code /login}, {@code /studio}, {@code /images/…}, {@code /videos/…}, {@code /admin/…}, {@code /settings/…}), so a
 * reload or a shared link lands on that page; the studio's own router ({@code static/studio/router.js}) shows it. The
 * studio is a client of the public API like any other: this package uses no feature.
 */
package com.desayre.gateway.studio;
