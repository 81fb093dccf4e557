package com.desayre.bench;

import com.desayre.contracts.JobKind;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.encoder.core.PromptEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core encoder's speed on one thread, next to a baseline in the same run: the cheapest
 * thing any encoder must do (Unicode-normalise the prompt). Goal: ≥ 100,000 prompts/s, so the
 * encoder is never the pipeline's bottleneck. {@code ./desayre bench encoder}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EncoderBenchmark {
    private static final String[] PROMPTS = {
            "woman reading in a cafe",
            "a lighthouse at dusk",
            "street food market at night, steam rising from the stalls",
            "a minimalist steel watch on a marble slab",
            "portrait of an elderly fisherman with a weathered face",
            "scandinavian kitchen interior with oak cabinets",
            "a steaming bowl of ramen with a soft boiled egg",
            "a red fox in fresh snow",
            "new york skyline in the rain",
            "portrait of a dancer lit by a single red spotlight",
            "a watercolor illustration of a fishing village",
            "une femme lisant dans un café parisien",
            "a corgi 🐶 wearing sunglasses 😎 on a beach 🏖️",
            "A WOMAN IN A RED COAT CROSSING A STREET, NATURAL LIGHT, PHOTOREALISTIC",
            "beach at sunrise with heavy film grain and teal and orange color grading",
            "a glass sphere floating above still water",
    };

    private final PromptEncoder encoder = new PromptEncoder(EncoderConfig.defaults());
    private int next;

    private String nextPrompt() {
        next = (next + 1) % PROMPTS.length;
        return PROMPTS[next];
    }

    @Benchmark
    public Object baselineNormaliseOnly() {
        return PromptEncoder.normalise(nextPrompt());
    }

    @Benchmark
    public Object encodeImage() {
        return encoder.encode(new EncodeRequest(JobKind.IMAGE, nextPrompt(), null, true, null, false));
    }

    @Benchmark
    public Object encodeVideo() {
        return encoder.encode(new EncodeRequest(JobKind.VIDEO, nextPrompt(), null, true, null, true));
    }
}
