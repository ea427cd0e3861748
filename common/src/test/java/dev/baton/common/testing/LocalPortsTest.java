package dev.baton.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortsTest {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void portsComeFromBelowTheEphemeralRangeAndNeverTwice() throws IOException {
        int start = LocalPorts.ephemeralStart();
        if (Files.isReadable(RANGE)) {
            try (var in = Files.newInputStream(RANGE)) {
                String range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
                assertThat(start).as("the range's first port, " + range).isEqualTo(Integer.parseInt(range.split("\\s+")[0]));
            }
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = LocalPorts.free();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            if (start > 11000) {
                assertThat(port).isBetween(10000, start - 1);
            }
        }
    }
}
