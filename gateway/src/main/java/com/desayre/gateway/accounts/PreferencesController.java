package com.desayre.gateway.accounts;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A user's own studio preferences; each user sees and changes only theirs. */
@RestController
@RequestMapping("/api/preferences")
class PreferencesController {
    private final PreferenceStore store;

    PreferencesController(PreferenceStore store) {
        this.store = store;
    }

    @Operation(operationId = "getPreferences", summary = "Your studio preferences: theme and the create form's defaults",
            description = "A null field is no preference: the studio's own default applies.")
    @GetMapping
    Mono<Preferences> get(CurrentUser user) {
        return store.find(user.id());
    }

    @Operation(operationId = "setPreferences", summary = "Replace your studio preferences",
            description = "Every field is replaced: a field left out or null is no preference. Answers what is stored.")
    @PutMapping
    Mono<Preferences> set(@RequestBody @Valid Preferences change, CurrentUser user) {
        var stored = change.normalized();
        return store.save(user.id(), stored).thenReturn(stored);
    }
}
