package com.desayre.videoworker;

import com.desayre.platform.ServiceApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class VideoWorkerApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return ServiceApplication.builder(VideoWorkerApplication.class, "video-worker");
    }
}
