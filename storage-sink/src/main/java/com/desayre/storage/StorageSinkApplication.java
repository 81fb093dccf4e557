package com.desayre.storage;

import com.desayre.platform.JobEventsConfiguration;
import com.desayre.platform.MediaStoreConfiguration;
import com.desayre.platform.ServiceApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import({MediaStoreConfiguration.class, JobEventsConfiguration.class})
@ConfigurationPropertiesScan
public class StorageSinkApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return ServiceApplication.builder(StorageSinkApplication.class, "storage-sink");
    }
}
