package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the plan and the journal may say about the session check's URL. */
class BrokerSessionTest {

    @Test
    void theSessionCheckUrlIsShownWithoutUserInfoOrQuery() {
        assertThat(BrokerSession.withoutSecrets("https://ops:s3cret@broker.example:8443/v1/accounts/U1/session?api_key=abc"))
                .isEqualTo("https://broker.example:8443/v1/accounts/U1/session");
        assertThat(BrokerSession.withoutSecrets("http://127.0.0.1:9000/sessions/DU1234567")).isEqualTo("http://127.0.0.1:9000/sessions/DU1234567");
        assertThat(BrokerSession.withoutSecrets("not a url at all")).doesNotContain("not a url");
    }
}
