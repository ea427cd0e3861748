package dev.baton.healthchecker.config;

import dev.baton.common.auth.AuthConfig;
import dev.baton.common.testing.ConfigurationDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md documents exactly the keys this service reads, with their defaults and env vars, and
 * the Quarkus settings it documents with the values application.properties gives them.
 */
class ConfigurationDocumentedTest {

    @Test
    void everyKeyIsDocumented() {
        ConfigurationDocs.assertDocumented(HealthCheckerConfig.class, AuthConfig.class);
    }

    @Test
    void quarkusSettingsAreDocumentedWithTheirValues() {
        ConfigurationDocs.assertQuarkusSettingsDocumented();
    }
}
