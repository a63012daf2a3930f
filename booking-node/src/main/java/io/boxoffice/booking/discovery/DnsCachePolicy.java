package io.boxoffice.booking.discovery;

import java.security.Security;

/**
 * How long this JVM trusts a DNS answer. A StatefulSet pod that is recreated keeps its name but gets a new IP;
 * its peers must see the new address within seconds, not after the JDK's default 30 s cache (and its 10 s
 * cache of failed lookups, which would stretch the wait for a pod's first record).
 *
 * <p>Three caches are involved: the JDK's {@code InetAddress} cache (security properties
 * {@code networkaddress.cache.ttl} and {@code networkaddress.cache.negative.ttl}, read once, when the first
 * name is resolved; the JDK's {@code java.security} file sets the negative one to 10 s, which beats the
 * {@code -Dsun.net.inetaddr.negative.ttl} flag), and grpc-java's DNS resolver, which skips a re-resolution
 * asked for sooner than the <em>system</em> property {@code networkaddress.cache.ttl} after the previous one.
 * {@link #apply()} must therefore run before the first lookup: the application's {@code main} calls it. An
 * operator overrides the values with the JVM flags {@code -Dsun.net.inetaddr.ttl}, {@code
 * -Dsun.net.inetaddr.negative.ttl} and {@code -Dnetworkaddress.cache.ttl}.
 */
public final class DnsCachePolicy {

    /** Seconds a resolved address is reused: short, so a pod's new IP is used on the next reconnect. */
    public static final String POSITIVE_TTL_SECONDS = "1";
    /** Failed lookups are not cached: a pod waiting for its own record retries on its own schedule. */
    public static final String NEGATIVE_TTL_SECONDS = "0";

    static final String TTL = "networkaddress.cache.ttl";
    static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";
    /** The value the JDK's own {@code java.security} gives the negative TTL. */
    static final String JDK_NEGATIVE_TTL = "10";
    /** JVM flags for the two JDK caches. */
    static final String TTL_FLAG = "sun.net.inetaddr.ttl";
    static final String NEGATIVE_TTL_FLAG = "sun.net.inetaddr.negative.ttl";

    private DnsCachePolicy() {
    }

    /** Sets the short TTLs, or the ones given as JVM flags; a value set in {@code java.security} is kept. Idempotent. */
    public static void apply() {
        apply(new Properties() {
            @Override
            public String security(String key) {
                return Security.getProperty(key);
            }

            @Override
            public void setSecurity(String key, String value) {
                Security.setProperty(key, value);
            }

            @Override
            public String system(String key) {
                return System.getProperty(key);
            }

            @Override
            public void setSystem(String key, String value) {
                System.setProperty(key, value);
            }
        });
    }

    static void apply(Properties properties) {
        String positive = flagOr(properties, TTL_FLAG, POSITIVE_TTL_SECONDS);
        if (properties.security(TTL) == null) {
            properties.setSecurity(TTL, positive);
        }
        String negative = flagOr(properties, NEGATIVE_TTL_FLAG, NEGATIVE_TTL_SECONDS);
        String configuredNegative = properties.security(NEGATIVE_TTL);
        if (configuredNegative == null || configuredNegative.equals(JDK_NEGATIVE_TTL)) {
            properties.setSecurity(NEGATIVE_TTL, negative);
        }
        if (properties.system(TTL) == null) {
            properties.setSystem(TTL, properties.security(TTL));
        }
    }

    private static String flagOr(Properties properties, String flag, String otherwise) {
        String value = properties.system(flag);
        return value == null ? otherwise : value;
    }

    /** The JVM's security and system properties; a seam for tests, which must not change the JVM's. */
    interface Properties {
        String security(String key);

        void setSecurity(String key, String value);

        String system(String key);

        void setSystem(String key, String value);
    }

    /** The effective settings, for the start-up log. */
    public static String describe() {
        return "DNS cache: JDK " + value(Security.getProperty(TTL)) + " s, failed lookups "
                + value(Security.getProperty(NEGATIVE_TTL)) + " s, gRPC re-resolution at most every "
                + value(System.getProperty(TTL)) + " s";
    }

    private static String value(String seconds) {
        return seconds == null ? "default (30)" : seconds;
    }
}
