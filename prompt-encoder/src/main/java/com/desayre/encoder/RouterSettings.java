package com.desayre.encoder;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.router.*}: which provider model each kind of job goes to.
 */
@ConfigurationProperties("desayre.router")
record RouterSettings(String imageProvider, String imageModel, String editProvider, String editModel,
                      String videoProvider, String videoModel) {
}
