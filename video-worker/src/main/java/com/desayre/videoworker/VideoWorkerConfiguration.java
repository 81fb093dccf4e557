package com.desayre.videoworker;

import com.desayre.contracts.Topics;
import com.desayre.workerkit.JobTiming;
import com.desayre.workerkit.ProviderClient;
import com.desayre.workerkit.ProviderHttp;
import com.desayre.workerkit.WorkerKitConfiguration;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The worker kit wired for xAI: its client, its policies ({@code xai-<model>}), its own table. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(XaiSettings.class)
class VideoWorkerConfiguration extends WorkerKitConfiguration {
    private final XaiSettings settings;

    VideoWorkerConfiguration(XaiSettings settings) {
        this.settings = settings;
    }

    @Override
    protected String stage() {
        return "video-worker";
    }

    @Override
    protected String provider() {
        return XaiSettings.PROVIDER;
    }

    @Override
    protected String providerName() {
        return "xAI";
    }

    @Override
    protected String kind() {
        return "video";
    }

    @Override
    protected String table() {
        return "video_worker.video_worker_jobs";
    }

    @Override
    protected String inputTopic() {
        return Topics.VIDEO_REQUESTED;
    }

    @Override
    protected String intakeBinding() {
        return AcceptVideoJobs.BINDING;
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
        return new XaiClient(settings, http);
    }
}
