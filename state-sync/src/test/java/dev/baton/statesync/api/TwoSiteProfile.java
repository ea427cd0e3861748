package dev.baton.statesync.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * Points state-sync's two sites at the two EmbeddedSshResources (prefixes baton.test.primary and
 * baton.test.standby). The embedded servers serve SFTP rooted in their directory, so each site root is "/".
 */
public class TwoSiteProfile implements QuarkusTestProfile {

    static Map<String, String> sites() {
        Map<String, String> c = new HashMap<>();
        for (String site : new String[] {"primary", "standby"}) {
            String from = "baton.test." + site + ".";
            String to = "baton.sync.sites." + site + ".";
            for (String key : new String[] {"host", "port", "user", "private-key", "known-hosts"}) {
                c.put(to + key, "${" + from + key + "}");
            }
            c.put(to + "root", "/");
        }
        return c;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = sites();
        c.put("baton.sync.continuous.enabled", "false");
        return c;
    }

    /** The same sites with continuous replication on, polling every 100 ms. */
    public static class Continuous implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = sites();
            c.put("baton.sync.continuous.enabled", "true");
            c.put("baton.sync.continuous.interval", "0.1s");
            return c;
        }
    }
}
