package com.desayre.encoder.core;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DESAYRE's System Prompt Encoder and model router. Turns what a person wrote into what the
 * chosen model needs for an ultra-realistic, on-brand result:
 *
 * <ul>
 *   <li>fills only the parts of a good prompt the user left out (composition, lighting, camera,
 *       texture, mood; for video camera move, motion and pacing), chosen by the scene the prompt
 *       describes and its time of day, never contradicting what was written;</li>
 *   <li>adds the house style of a profile, and photorealism unless another medium was asked for;</li>
 *   <li>states edits as instructions that keep everything else, and keeps a video's first frame;</li>
 *   <li>never adds what is already there (in any case or a close synonym), so encoding an encoded
 *       prompt changes nothing;</li>
 *   <li>keeps to the model's length budget by priority: the user's words, then kind clauses, then
 *       style, then the other tags.</li>
 * </ul>
 *
 * Pure and deterministic: the same request and {@link #version(String) version} give the same
 * prompt, byte for byte. Thread-safe.
 */
public final class PromptEncoder {
    /** Bump when a rule changes: it is part of every version. */
    public static final String RULES_VERSION = "enc1";
    public static final String RAW_PROFILE = "raw";

    public static final String UNKNOWN_PROFILE = "UNKNOWN_PROFILE";
    public static final String UNSUPPORTED_OPTION = "UNSUPPORTED_OPTION";

    private static final Set<String> EDIT_VERBS = Set.of("change", "make", "replace", "add", "remove", "turn", "put",
            "give", "swap", "edit", "erase", "convert", "transform", "set", "place", "move", "recolor", "adjust",
            "brighten", "darken", "extend", "crop", "retouch", "restore", "fix", "insert", "delete", "paint", "dress",
            "keep", "let", "show");
    private static final String EDIT_PREFIX = "Edit the photo: ";

    /** The words of each segment the encoder may add: a small, fixed set, read once. */
    private static final Map<String, Words> SEGMENT_WORDS = new java.util.concurrent.ConcurrentHashMap<>();

    private final EncoderConfig config;
    private final ModerationCheck moderation;
    private final Map<String, String> versions = new HashMap<>();
    private final List<String> blockedKeys;

    /** A hook for a real moderation call: an empty answer lets the prompt through. */
    @FunctionalInterface
    public interface ModerationCheck {
        Optional<String> reasonToReject(String prompt);
    }

    public PromptEncoder(EncoderConfig config) {
        this(config, prompt -> Optional.empty());
    }

    public PromptEncoder(EncoderConfig config, ModerationCheck moderation) {
        this.config = config;
        this.moderation = moderation;
        this.blockedKeys = config.blocklist().stream().map(Words::key).toList();
        config.profiles().forEach((name, profile) -> versions.put(name, RULES_VERSION + "+" + name + "." + hash(profile.canonical())));
        versions.put(RAW_PROFILE, RULES_VERSION + "+" + RAW_PROFILE);
    }

    public EncoderConfig config() {
        return config;
    }

    /** The version a job encoded with this profile carries. */
    public String version(String profile) {
        return versions.get(profile);
    }

    public Optional<ModelRoute> route(JobKind kind) {
        return config.routes().stream().filter(route -> route.kind() == kind).findFirst();
    }

    public EncodeResult encode(EncodeRequest request) {
        var route = route(request.kind()).orElse(null);
        if (route == null) {
            return new EncodeResult.Rejected(UNSUPPORTED_OPTION, "kind", "No model is configured for "
                    + request.kind().name().toLowerCase(Locale.ROOT) + " jobs.");
        }
        if (request.aspectRatio() != null && !route.aspectRatios().contains(request.aspectRatio())) {
            return new EncodeResult.Rejected(UNSUPPORTED_OPTION, "aspectRatio", route.model() + " cannot make "
                    + request.aspectRatio() + " " + noun(request.kind()) + ". Use one of: " + String.join(", ", route.aspectRatios()) + ".");
        }
        var text = normalise(request.prompt() == null ? "" : request.prompt());
        if (text.isEmpty()) {
            return new EncodeResult.Rejected(JobError.PROMPT_REJECTED, "prompt",
                    "The prompt is empty once control characters and extra spaces are removed. Describe what you want to see.");
        }
        var words = Words.of(text);
        for (int i = 0; i < blockedKeys.size(); i++) {
            if (words.mentionsKey(blockedKeys.get(i))) {
                return new EncodeResult.Rejected(JobError.PROMPT_REJECTED, "prompt", "The prompt was not sent: it mentions \""
                        + config.blocklist().get(i) + "\", which this studio's content policy does not allow. Rephrase it without that.");
            }
        }
        var moderated = moderation.reasonToReject(text);
        if (moderated.isPresent()) {
            return new EncodeResult.Rejected(JobError.PROMPT_REJECTED, "prompt", moderated.get());
        }
        if (!request.enhance()) {
            return new EncodeResult.Encoded(truncate(text, route.promptBudget()), null, RAW_PROFILE, version(RAW_PROFILE),
                    route, List.of());
        }
        var profileName = request.profile() == null ? config.defaultProfile() : request.profile();
        var profile = config.profiles().get(profileName);
        if (profile == null) {
            return new EncodeResult.Rejected(UNKNOWN_PROFILE, "styleProfile", "There is no style profile '" + profileName
                    + "'. Use one of: " + String.join(", ", config.profiles().keySet()) + ".");
        }
        return enhance(request, text, words, profile, route);
    }

    private EncodeResult enhance(EncodeRequest request, String text, Words words, StyleProfile profile, ModelRoute route) {
        var budget = route.promptBudget();
        var art = words.asksForAnotherMedium();
        var scene = words.scene();
        var time = words.timeOfDay();
        var candidates = new ArrayList<Candidate>();
        var separator = ", ";
        switch (request.kind()) {
            case IMAGE -> {
                var slots = art ? List.of(Slot.COMPOSITION, Slot.LIGHTING, Slot.MOOD)
                        : List.of(Slot.COMPOSITION, Slot.LIGHTING, Slot.CAMERA, Slot.TEXTURE, Slot.MOOD);
                slots.forEach(slot -> candidates.add(Candidate.slot(slot, fill(profile, scene, time, slot), Priority.TAGS)));
                if (!art) {
                    styleTags(profile, candidates);
                    candidates.add(Candidate.tag(SceneRules.PHOTOREALISTIC, Priority.TAGS, 90));
                }
            }
            case EDIT -> {
                if (!EDIT_VERBS.contains(firstWord(text))) {
                    text = EDIT_PREFIX + text;
                }
                separator = "; ";
                candidates.add(Candidate.tag(SceneRules.EDIT_KEEP, Priority.KIND, 1));
                candidates.add(Candidate.tag(SceneRules.EDIT_MATCH, Priority.KIND, 2));
                if (!art) {
                    candidates.add(Candidate.tag(SceneRules.EDIT_SEAMLESS, Priority.TAGS, 3));
                }
            }
            case VIDEO -> {
                separator = "; ";
                if (request.hasSourceImage()) {
                    candidates.add(Candidate.tag(SceneRules.VIDEO_FIRST_FRAME, Priority.KIND, 50));
                }
                for (var slot : List.of(Slot.CAMERA_MOVE, Slot.MOTION, Slot.PACING)) {
                    candidates.add(Candidate.slot(slot, fill(profile, scene, time, slot), Priority.TAGS));
                }
                if (!art) {
                    styleTags(profile, candidates);
                }
            }
        }
        if (length(text) >= budget) {
            return new EncodeResult.Encoded(truncate(text, budget), negative(profile, scene, words, route),
                    profile.name(), version(profile.name()), route, List.of());
        }
        // greedy by priority, each checked against everything already in the prompt
        var base = stripTrailingSeparators(text);
        var room = budget - length(base);
        var chosen = new ArrayList<Candidate>();
        var said = new Said(words);
        candidates.sort(Comparator.comparing(Candidate::priority).thenComparing(Candidate::order));
        for (var candidate : candidates) {
            if (candidate.alreadyIn(said)) {
                continue;
            }
            var cost = length(separator) + length(candidate.text());
            if (cost <= room) {
                chosen.add(candidate);
                said.add(candidate.text());
                room -= cost;
            }
        }
        if (chosen.isEmpty()) {
            return new EncodeResult.Encoded(text, negative(profile, scene, words, route), profile.name(),
                    version(profile.name()), route, List.of());
        }
        chosen.sort(Comparator.comparing(Candidate::order));
        var prompt = new StringBuilder(base);
        var added = new ArrayList<String>();
        for (var candidate : chosen) {
            prompt.append(separator).append(candidate.text());
            added.add(candidate.text());
        }
        return new EncodeResult.Encoded(prompt.toString(), negative(profile, scene, words, route), profile.name(),
                version(profile.name()), route, added);
    }

    private static String fill(StyleProfile profile, Scene scene, Scene.TimeOfDay time, Slot slot) {
        var own = profile.slotFills().get(slot);
        if (own != null) {
            return own;
        }
        return slot == Slot.LIGHTING ? SceneRules.lighting(scene, time) : SceneRules.fill(scene, slot);
    }

    private static void styleTags(StyleProfile profile, List<Candidate> candidates) {
        for (int i = 0; i < profile.styleTags().size(); i++) {
            candidates.add(Candidate.tag(SceneRules.styleTag(profile.styleTags().get(i)), Priority.STYLE, 60 + i));
        }
    }

    private static String negative(StyleProfile profile, Scene scene, Words words, ModelRoute route) {
        if (!route.takesNegativePrompt()) {
            return null;
        }
        var terms = new LinkedHashSet<String>();
        terms.addAll(profile.negativeTerms());
        terms.addAll(SceneRules.negatives(scene));
        // never tell the model to avoid what the user asked for
        terms.removeIf(words::mentions);
        return terms.isEmpty() ? null : String.join(", ", terms);
    }

    /** NFC, no control or bidirectional-override characters, single spaces. Emoji joiners survive. */
    public static String normalise(String text) {
        var nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        var out = new StringBuilder(nfc.length());
        var space = false;
        for (int i = 0; i < nfc.length(); ) {
            var cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL) {
                space = out.length() > 0;
                continue;
            }
            if (isInvisibleOverride(cp)) {
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    private static boolean isInvisibleOverride(int cp) {
        return cp >= 0x202A && cp <= 0x202E || cp >= 0x2066 && cp <= 0x2069 || cp == 0x200B || cp == 0xFEFF
                || cp == 0x200E || cp == 0x200F;
    }

    /** Cuts at the last word boundary that fits, so no word is broken. */
    static String truncate(String text, int budget) {
        if (length(text) <= budget) {
            return text;
        }
        var end = text.offsetByCodePoints(0, budget);
        var cut = text.lastIndexOf(' ', end);
        return (cut > 0 ? text.substring(0, cut) : text.substring(0, end)).strip();
    }

    static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String stripTrailingSeparators(String text) {
        var end = text.length();
        while (end > 0 && ",;:".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(0, end).strip();
    }

    private static String firstWord(String text) {
        var tokens = Words.tokens(text.length() > 40 ? text.substring(0, 40) : text);
        return tokens.isEmpty() ? "" : tokens.get(0);
    }

    private static String noun(JobKind kind) {
        return kind == JobKind.VIDEO ? "videos" : "images";
    }

    private static String hash(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest((RULES_VERSION + "|" + text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Budget order: what is kept first when the prompt must be short. */
    enum Priority { KIND, STYLE, TAGS }

    /** A segment the encoder may add, where it goes, and how it recognises itself in a prompt. */
    private record Candidate(String text, Priority priority, int order, Slot slot, SceneRules.Tag tag) {

        static Candidate slot(Slot slot, String fill, Priority priority) {
            return new Candidate(fill, priority, slot.ordinal(), slot, null);
        }

        static Candidate tag(SceneRules.Tag tag, Priority priority, int order) {
            return new Candidate(tag.text(), priority, order, null, tag);
        }

        boolean alreadyIn(Said said) {
            return slot != null ? said.fills(slot) : said.says(tag);
        }
    }

    /**
     * What the prompt says so far: the user's words and each segment added. Phrases never join
     * across the separators, so this answers exactly as the words of the joined prompt would.
     */
    private static final class Said {
        private final List<Words> parts = new ArrayList<>(16);

        Said(Words user) {
            parts.add(user);
        }

        void add(String segment) {
            parts.add(SEGMENT_WORDS.computeIfAbsent(segment, text -> {
                var words = Words.of(text);
                words.slots(); // computed before the map publishes it to other threads
                return words;
            }));
        }

        boolean fills(Slot slot) {
            for (var part : parts) {
                if (part.slots().contains(slot)) {
                    return true;
                }
            }
            return false;
        }

        boolean says(SceneRules.Tag tag) {
            for (var part : parts) {
                if (tag.presentIn(part)) {
                    return true;
                }
            }
            return false;
        }
    }
}
