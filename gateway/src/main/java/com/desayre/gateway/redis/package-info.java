/**
 * What features that run Lua scripts on Redis share about reading the answers, and on which threads Redis answers
 * arrive ({@link com.desayre.gateway.redis.RedisReplies}). Depends on no feature.
 */
package com.desayre.gateway.redis;
