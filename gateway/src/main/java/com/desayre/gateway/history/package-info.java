/**
 * The job history and its media, read from storage-sink's tables ({@link
 * com.desayre.gateway.history.HistoryRepository} is the gateway's whole read model of them): {@code
 * /api/history} with search and delete, media files with byte ranges, and signed source links.
 */
package com.desayre.gateway.history;
