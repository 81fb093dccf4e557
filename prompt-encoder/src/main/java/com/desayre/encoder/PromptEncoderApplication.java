package com.desayre.encoder;

import com.desayre.platform.EncoderConfiguration;
import com.desayre.platform.JobEventsConfiguration;
import com.desayre.platform.ServiceApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import({EncoderConfiguration.class, JobEventsConfiguration.class})
public class PromptEncoderApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return ServiceApplication.builder(PromptEncoderApplication.class, "prompt-encoder");
    }
}
