package com.desayre.imageworker;

import com.desayre.contracts.Topics;
import com.desayre.workerkit.JobTiming;
import com.desayre.workerkit.ProviderClient;
import com.desayre.workerkit.ProviderHttp;
import com.desayre.workerkit.WorkerKitConfiguration;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The worker kit wired for ModelsLabs: its client, its policies ({@code modelslabs-<model>}), its own table. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelsLabSettings.class)
class ImageWorkerConfiguration extends WorkerKitConfiguration {
    private final ModelsLabSettings settings;

    ImageWorkerConfiguration(ModelsLabSettings settings) {
        this.settings = settings;
    }

    @Override
    protected String stage() {
        return "image-worker";
    }

    @Override
    protected String provider() {
        return ModelsLabSettings.PROVIDER;
    }

    @Override
    protected String providerName() {
        return "ModelsLabs";
    }

    @Override
    protected String kind() {
        return "image";
    }

    @Override
    protected String table() {
        return "image_worker.image_worker_jobs";
    }

    @Override
    protected String inputTopic() {
        return Topics.IMAGE_REQUESTED;
    }

    @Override
    protected String intakeBinding() {
        return AcceptImageJobs.BINDING;
    }

    @Override
    protected String apiKey() {
        return settings.apiKey();
    }

    @Override
    protected Set<String> models() {
        return settings.models().keySet();
    }

    @Override
    protected JobTiming timing() {
        return settings;
    }

    @Override
    protected ProviderClient client(ProviderHttp http) {
        return new ModelsLabClient(settings, http);
    }
}
