package com.desayre.platform;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a webhook may be sent: the one rule the gateway applies when an endpoint is registered and the dispatcher
 * applies again before every connection (DNS can change between the two). Plain Java, no I/O except the resolver.
 *
 * <p>A URL is an absolute {@code http}/{@code https} URL with a host, without userinfo or a fragment. Unless
 * private targets are allowed ({@code DESAYRE_WEBHOOK_ALLOW_PRIVATE=true}, for local runs and tests), every address
 * the host resolves to must be a public unicast one: no loopback, unspecified, private (RFC 1918, fc00::/7 which holds
 * fd00::/8), link-local (169.254/16 with the cloud metadata address 169.254.169.254, fe80::/10), CGNAT (100.64/10),
 * multicast, benchmark (198.18/15) or reserved (240/4) address, also when it hides in an IPv4-mapped, NAT64 or 6to4
 * IPv6 address. One bad address refuses the host: a connection must never be able to land on it.
 */
public final class WebhookTargets {
    public static final int MAX_URL_LENGTH = 2000;

    /** Resolves a host name (tests substitute their own DNS). */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that may not be called, with a sentence saying why (safe to show the owner: no secret in it). */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A checked target: connect to one of {@code addresses} (never resolve again), send {@code Host} from the URI. */
    public record Target(URI uri, String host, int port, List<InetAddress> addresses) {
    }

    private WebhookTargets() {
    }

    /** The URL's form alone (no DNS): scheme, host, no userinfo, no fragment, a sane length. */
    public static URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("The URL is empty: give an http:// or https:// URL.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new Refused("The URL is longer than " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new Refused("The URL cannot be read: " + e.getReason() + ".");
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("Only http:// and https:// URLs can receive webhooks" + (scheme.isEmpty() ? "." : ", not " + scheme + ":."));
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new Refused("The URL may not carry a user name or password (user@host): put credentials in the path or "
                    + "verify the signature instead.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("The URL has no host.");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("The URL may not have a fragment (#…): it is never sent to the server.");
        }
        return uri;
    }

    /** Parses, resolves once and checks every address ({@code allowPrivate} lifts the address rule only). */
    public static Target resolve(String url, boolean allowPrivate, Resolver resolver) throws Refused {
        var uri = parse(url);
        var host = uri.getHost();
        var bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused("The host " + host + " does not resolve to an address.");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused("The host " + host + " does not resolve to an address.");
        }
        if (!allowPrivate) {
            for (var address : addresses) {
                var why = notPublic(address);
                if (why != null) {
                    throw new Refused("The host " + host + " resolves to " + address.getHostAddress() + ", " + why
                            + ": webhooks are only sent to public addresses.");
                }
            }
        }
        var port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return new Target(uri, bare, port, List.of(addresses));
    }

    /** Why an address is not a public unicast one, or null if it is. */
    public static String notPublic(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            var b = v6.getAddress();
            var embedded = embeddedIpv4(b);
            if (embedded != null) {
                return notPublic(embedded);
            }
            if (v6.isAnyLocalAddress()) {
                return "the unspecified address";
            }
            if (v6.isLoopbackAddress()) {
                return "a loopback address";
            }
            if (v6.isLinkLocalAddress() || v6.isSiteLocalAddress()) {
                return "a link-local address";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a private (unique local, fc00::/7) address";
            }
            if (v6.isMulticastAddress()) {
                return "a multicast address";
            }
            if ((b[0] & 0xe0) != 0x20) {
                return "not a global unicast address";
            }
            return null;
        }
        var b = address.getAddress();
        int a0 = b[0] & 0xff, a1 = b[1] & 0xff;
        if (a0 == 0) {
            return "the unspecified (0.0.0.0/8) network";
        }
        if (a0 == 127) {
            return "a loopback address";
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return "a private address";
        }
        if (a0 == 169 && a1 == 254) {
            return a1 == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254 ? "the cloud metadata address" : "a link-local address";
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return "a carrier-grade NAT (100.64.0.0/10) address";
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return "an IETF protocol (192.0.0.0/24) address";
        }
        if (a0 == 198 && (a1 == 18 || a1 == 19)) {
            return "a benchmarking (198.18.0.0/15) address";
        }
        if (a0 >= 224) {
            return a0 < 240 ? "a multicast address" : "a reserved address";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) one. */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0;
        try {
            if (mapped || compatible || nat64) {
                return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return Inet4Address.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
