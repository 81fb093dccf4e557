package com.desayre.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code login}: signs in with a username and password (a session token, renewed while in use for up to the server's
 * session maximum, 12 h by default) or checks an API key, and stores the server and credential in the config file.
 */
@Command(name = "login", description = "Sign in (username + password, or --api-key) and remember the server and credential in "
        + "$XDG_CONFIG_HOME/desayre/config.json (mode 0600).")
final class Login implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--url", description = "The studio, e.g. https://studio.example.com (default: DESAYRE_URL, the stored one, "
            + "or http://localhost:8080)")
    String url;

    @Option(names = {"-u", "--username"}, description = "Asked for when left out (on a terminal)")
    String username;

    @Option(names = "--api-key", arity = "0..1", fallbackValue = "", paramLabel = "KEY",
            description = "Use a personal API key (dsy_…) instead of a password; without a value it is read like a password")
    String apiKey;

    @Option(names = "--json", description = "Print who signed in as JSON")
    boolean json;

    @Override
    public Integer call() {
        var io = cli.io;
        var stored = cli.config.load();
        var server = Config.trim(url != null ? url : io.env("DESAYRE_URL") != null ? io.env("DESAYRE_URL")
                : stored.url() != null ? stored.url() : Config.DEFAULT_URL);
        if (apiKey != null) {
            var key = apiKey.isEmpty() ? io.readSecret("API key: ") : apiKey;
            if (key == null) {
                throw new CliException(Exit.USAGE, "No API key given. Pass --api-key=dsy_… or type it when asked.");
            }
            var me = new Api(server, key, renewed -> { }).get("/api/auth/me");
            var user = me.path("username").asString();
            cli.config.save(new Config.Stored(server, user, null, key));
            return signedIn(server, user, "API key", me);
        }
        var name = username != null ? username : io.readLine("Username: ");
        if (name == null) {
            throw new CliException(Exit.USAGE, "No username given. Pass --username (or -u).");
        }
        var password = io.readSecret("Password for " + name + ": ");
        if (password == null) {
            throw new CliException(Exit.USAGE, "No password given: type it when asked, or pipe it on standard input.");
        }
        var credentials = JsonNodeFactory.instance.objectNode().put("username", name).put("password", password);
        var session = new Api(server, null, renewed -> { }).post("/api/auth/login", credentials);
        var user = session.path("user").path("username").asString(name);
        cli.config.save(new Config.Stored(server, user, session.path("token").asString(), null));
        return signedIn(server, user, "session until " + session.path("expiresAt").asString("?") + ", renewed while in use", session.path("user"));
    }

    private int signedIn(String server, String user, String how, tools.jackson.databind.JsonNode details) {
        if (json) {
            cli.io.out().println(JsonNodeFactory.instance.objectNode().put("url", server).put("username", user)
                    .put("config", cli.config.file().toString()).set("user", details));
        } else {
            cli.io.out().println("Signed in to " + server + " as " + user + " (" + how + "). Saved in " + cli.config.file() + ".");
        }
        return Exit.DONE;
    }

    /** {@code logout}: ends the stored session on the server and forgets the credential (the URL stays). */
    @Command(name = "logout", description = "End the stored session on the server and forget the credential (an API key is only "
            + "forgotten here: revoke it in the studio).")
    static final class Logout implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            var stored = cli.config.load();
            if (stored.token() == null && stored.apiKey() == null) {
                cli.io.out().println("Not signed in.");
                return Exit.DONE;
            }
            if (stored.token() != null) {
                try {
                    new Api(Config.trim(stored.url()), stored.token(), renewed -> { }).post("/api/auth/logout", null);
                } catch (CliException e) {
                    if (e.exitCode != Exit.REFUSED) {
                        throw new CliException(e.exitCode, e.getMessage() + System.lineSeparator()
                                + "The session was not ended; the credential stays in " + cli.config.file() + ". Try again.");
                    }
                    // 401: it had ended already
                }
            }
            cli.config.save(new Config.Stored(stored.url(), null, null, null));
            cli.io.out().println("Signed out of " + stored.url() + ".");
            return Exit.DONE;
        }
    }
}
