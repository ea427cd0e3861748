package dev.baton.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window syntax operators write in config, and its mistakes. */
class MaintenanceWindowTest {

    @Test
    void ibkrDefaultsParseToTheDocumentedWindows() {
        var windows = MaintenanceWindow.parseAll(MaintenanceWindow.IBKR);
        assertThat(windows).hasSize(2);
        assertThat(windows.get(0).occurrenceAt(Instant.parse("2026-11-24T22:14:59Z"))).isPresent();
        assertThat(windows.get(0).occurrenceAt(Instant.parse("2026-11-24T22:15:00Z"))).isEmpty();
        assertThat(windows.get(1).occurrenceAt(Instant.parse("2026-11-30T00:44:59Z"))).isPresent();
        assertThat(windows.get(1).occurrenceAt(Instant.parse("2026-11-30T00:45:00Z"))).isEmpty();
    }

    @Test
    void badEntriesAreRefusedWithTheEntryNamed() {
        assertThatThrownBy(() -> MaintenanceWindow.parseAll("daily 25:00 15m UTC")).hasMessageContaining("daily 25:00 15m UTC");
        assertThatThrownBy(() -> MaintenanceWindow.parseAll("FUNDAY 22:00 15m UTC")).hasMessageContaining("FUNDAY");
        assertThatThrownBy(() -> MaintenanceWindow.parseAll("daily 22:00 15 minutes UTC")).hasMessageContaining("must be");
        assertThatThrownBy(() -> MaintenanceWindow.parseAll("daily 22:00 15m Mars/Olympus")).hasMessageContaining("Mars/Olympus");
        assertThat(MaintenanceWindow.parseAll("none")).isEmpty();
    }
}
