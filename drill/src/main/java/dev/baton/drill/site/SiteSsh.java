package dev.baton.drill.site;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A drill site's SSH server as Baton's services see it: Debian's OpenSSH sshd when it is installed (the server users
 * run), else the embedded MINA server. {@link #root()} is the site directory as that server's SFTP and shell see it.
 */
public interface SiteSsh extends AutoCloseable {

    /** {@code OpenSSH sshd} or {@code MINA (embedded)}, for the drill's report. */
    String kind();

    String host();

    int port();

    String user();

    Path privateKey();

    Path knownHosts();

    /** The site's root directory as the server's SFTP and shell see it. */
    String root();

    boolean isRunning();

    /**
     * A directory on the PATH of the server's sessions where the drill may install a site-side tool (as an operator
     * puts {@code baton-pg-rejoin} on a host); empty when the server runs no real shell (MINA answers commands itself).
     */
    default java.util.Optional<Path> toolDirectory() {
        return java.util.Optional.empty();
    }

    /** The site drops off the network as far as SSH is concerned: the server and every session it serves end. */
    void stop() throws IOException;

    void restart() throws IOException;

    @Override
    void close() throws IOException;
}
