/** What features that run Lua scripts on Redis share about reading the answers. Depends on no feature. */
package com.desayre.gateway.redis;
