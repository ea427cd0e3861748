package dev.baton.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.auth.AuthConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationDocsTest {

    enum Flavour { PLAIN, FANCY }

    /** Every shape the Baton mappings use. */
    @ConfigMapping(prefix = "sample")
    interface SampleConfig {
        @WithDefault("5m")
        Duration coolDown();

        Optional<String> comment();

        List<String> names();

        Map<String, Site> sites();

        List<Step> steps();

        Map<String, String> labels();

        Optional<Extra> extra();

        interface Site {
            @WithName("private-key")
            Path key();

            @WithDefault("22")
            int port();

            Flavour flavour();
        }

        interface Step {
            @WithDefault("a|b")
            String kind();

            Optional<List<Integer>> codes();
        }

        interface Extra {
            boolean enabled();
        }
    }

    private static final String DOC = """
            # Sample

            | key | type | default | required | env | meaning |
            |---|---|---|---|---|---|
            | `sample.cool-down` | duration | `5m` | no | `SAMPLE_COOL_DOWN` | how long |
            | `sample.comment` | string | – | no | `SAMPLE_COMMENT` | a note |
            | `sample.names` | list of string | – | yes | `SAMPLE_NAMES` | comma-separated |
            | `sample.sites.<site>.private-key` | path | – | yes | `SAMPLE_SITES_<SITE>_PRIVATE_KEY` | key file |
            | `sample.sites.<site>.port` | integer | `22` | no | `SAMPLE_SITES_<SITE>_PORT` | SSH port |
            | `sample.sites.<site>.flavour` | enum (plain, fancy) | – | yes | `SAMPLE_SITES_<SITE>_FLAVOUR` | taste |
            | `sample.steps[i].kind` | string | `a\\|b` | no | `SAMPLE_STEPS_<I>__KIND` | regex |
            | `sample.steps[i].codes` | list of integer | – | no | `SAMPLE_STEPS_<I>__CODES` | status codes |
            | `sample.labels.<label>` | string | – | no | `SAMPLE_LABELS_<LABEL>` | labels |
            | `sample.extra.enabled` | boolean | – | yes | `SAMPLE_EXTRA_ENABLED` | inside an optional section |
            | `quarkus.http.port` | integer | `7080` | no | `QUARKUS_HTTP_PORT` | not checked here |
            """;

    @Test
    void walksEveryShapeOfMapping() {
        assertThat(ConfigMappingKeys.of(SampleConfig.class)).extracting(ConfigMappingKeys.Key::name).containsExactly(
                "sample.comment", "sample.cool-down", "sample.extra.enabled", "sample.labels.<*>", "sample.names",
                "sample.sites.<*>.flavour", "sample.sites.<*>.port", "sample.sites.<*>.private-key",
                "sample.steps[*].codes", "sample.steps[*].kind");
    }

    @Test
    void aDocThatMatchesHasNoDifferences() {
        assertThat(ConfigurationDocs.differences(DOC, SampleConfig.class)).isEmpty();
    }

    @Test
    void listsKeysMissingFromTheDocAndKeysTheCodeDoesNotHave() {
        String doc = DOC.replace("| `sample.comment` |", "| `sample.remark` |").replace("`SAMPLE_COMMENT`", "`SAMPLE_REMARK`");

        assertThat(ConfigurationDocs.differences(doc, SampleConfig.class)).containsExactly(
                "missing from the doc: sample.comment (string, optional, declared by SampleConfig.comment())",
                "documented but not in the code: sample.remark");
    }

    @Test
    void listsWrongDefaultsTypesRequiredFlagsAndEnvNames() {
        String doc = DOC.replace("| duration | `5m` |", "| duration | `10m` |")
                .replace("| integer | `22` |", "| string | `22` |")
                .replace("| list of string | – | yes |", "| list of string | – | no |")
                .replace("`SAMPLE_SITES_<SITE>_FLAVOUR`", "`SAMPLE_SITES_FLAVOUR`");

        assertThat(ConfigurationDocs.differences(doc, SampleConfig.class)).containsExactlyInAnyOrder(
                "sample.cool-down: documented default '10m', the code's is '5m'",
                "sample.sites.<site>.port: documented type 'string', the code's is 'integer'",
                "sample.names: documented required 'no', the code's is 'yes'",
                "sample.sites.<site>.flavour: documented env var 'SAMPLE_SITES_FLAVOUR', SmallRye reads 'SAMPLE_SITES_<SITE>_FLAVOUR'");
    }

    @Test
    void mapsKeysToEnvironmentVariablesAsSmallRyeDoes() {
        assertThat(ConfigurationDocs.envName("baton.auth.tokens")).isEqualTo("BATON_AUTH_TOKENS");
        assertThat(ConfigurationDocs.envName("baton.health.checks[i].http.json-equals"))
                .isEqualTo("BATON_HEALTH_CHECKS_<I>__HTTP_JSON_EQUALS");
        assertThat(ConfigurationDocs.envName("baton.coordinator.runbooks.<kind>.steps[i].on-failure"))
                .isEqualTo("BATON_COORDINATOR_RUNBOOKS_<KIND>_STEPS_<I>__ON_FAILURE");
    }

    @Test
    void theAssertionNamesTheDocAndEveryDifference(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("CONFIGURATION.md");
        Files.writeString(doc, DOC.replace("| `sample.names` |", "| `sample.namez` |"));

        assertThatThrownBy(() -> ConfigurationDocs.assertDocumented(doc, SampleConfig.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CONFIGURATION.md does not match the @ConfigMapping interfaces (SampleConfig)")
                .hasMessageContaining("missing from the doc: sample.names (list of string, required, declared by SampleConfig.names())")
                .hasMessageContaining("documented but not in the code: sample.namez");
    }

    @Test
    void commonsOwnKeysAreDocumented() {
        ConfigurationDocs.assertDocumented(AuthConfig.class);
    }

    @Test
    void everyDocumentedEnvironmentVariableIsTheOneSmallRyeReads() {
        ConfigurationDocs.assertEnvNamesMatchKeys(ConfigurationDocs.DOC);
    }

    @Test
    void aWrongEnvironmentVariableOnAnyRowIsReported(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("CONFIGURATION.md");
        Files.writeString(doc, DOC.replace("`QUARKUS_HTTP_PORT`", "`QUARKUS_PORT`"));

        assertThatThrownBy(() -> ConfigurationDocs.assertEnvNamesMatchKeys(doc))
                .hasMessageContaining("quarkus.http.port: documented env var 'QUARKUS_PORT', SmallRye reads 'QUARKUS_HTTP_PORT'");
    }
}
