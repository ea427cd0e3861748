package dev.baton.statesync.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The SFTP operations a sync cycle needs, over MINA's {@link SftpClient}, using the OpenSSH
 * extensions (posix-rename, hardlink, fsync) that both OpenSSH's sftp-server and MINA's server
 * offer, and the server-side {@code check-file} hash where the server has it (MINA; OpenSSH does
 * not, so the file is read back). Safe for concurrent use from several threads.
 */
public final class Sftp {
    static final int IO_BUFFER = 64 * 1024;
    /** Files up to this size are read and written whole with plain requests rather than streams. */
    static final long SMALL_FILE = 1 << 20;
    /** Bytes per read/write request: within every server's limit (OpenSSH allows 256 KiB). */
    private static final int CHUNK = 32 * 1024;
    /** Requests in flight at once in {@link #hardlinkAll} / {@link #removeAll}. */
    private static final int PIPELINE = 64;
    private static final String HARDLINK = "hardlink@openssh.com";

    private final SftpClient client;
    private final String site;
    private final boolean posixRename;
    private final boolean hardlink;
    private final boolean fsync;
    private final boolean checkFile;

    Sftp(SftpClient client, String site) {
        this.client = client;
        this.site = site;
        Map<String, byte[]> ext = client.getServerExtensions();
        this.posixRename = client.getExtension(OpenSSHPosixRenameExtension.class).isSupported();
        this.hardlink = ext.containsKey(HARDLINK);
        this.fsync = client.getExtension(OpenSSHFsyncExtension.class).isSupported();
        this.checkFile = client.getExtension(CheckFileNameExtension.class).isSupported();
    }

    public SftpClient client() {
        return client;
    }

    public boolean isOpen() {
        return client.isOpen();
    }

    /** lstat, or empty if the path does not exist. */
    public Optional<Attributes> lstat(String path) throws IOException {
        try {
            return Optional.of(client.lstat(path));
        } catch (SftpException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Attributes stat(String path) throws IOException {
        return client.stat(path);
    }

    static boolean isMissing(SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
    }

    /** The entries of a directory, without {@code .} and {@code ..}. */
    public List<SftpClient.DirEntry> list(String dir) throws IOException {
        List<SftpClient.DirEntry> out = new ArrayList<>();
        for (SftpClient.DirEntry e : client.readDir(dir)) {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                out.add(e);
            }
        }
        return out;
    }

    /** mkdir, tolerating an existing directory. */
    public void mkdir(String path) throws IOException {
        try {
            client.mkdir(path);
        } catch (SftpException e) {
            Optional<Attributes> a = lstat(path);
            if (a.isEmpty() || !a.get().isDirectory()) {
                throw e;
            }
        }
    }

    public void mkdirs(String root, String rel) throws IOException {
        String path = root;
        for (String segment : rel.split("/")) {
            path = SitePaths.join(path, segment);
            mkdir(path);
        }
    }

    public void chmod(String path, int mode) throws IOException {
        client.setStat(path, new Attributes().perms(mode));
    }

    /** Renames over an existing {@code to} atomically (posix-rename), or plain rename if unsupported. */
    public void replace(String from, String to) throws IOException {
        if (posixRename) {
            client.getExtension(OpenSSHPosixRenameExtension.class).posixRename(from, to);
        } else {
            client.rename(from, to, SftpClient.CopyMode.Overwrite, SftpClient.CopyMode.Atomic);
        }
    }

    public void rename(String from, String to) throws IOException {
        client.rename(from, to);
    }

    public void symlink(String link, String target) throws IOException {
        client.symLink(link, target);
    }

    public Optional<String> readLink(String path) throws IOException {
        try {
            return Optional.of(client.readLink(path));
        } catch (SftpException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean supportsHardlinks() {
        return hardlink;
    }

    /** Hard-links {@code existing} as {@code link} (OpenSSH {@code hardlink@openssh.com}). */
    public void hardlink(String existing, String link) throws IOException {
        hardlinkAll(List.<String[]>of(new String[] {existing, link}));
    }

    /**
     * Hard-links each {@code {existing, link}} pair, pipelined: requests are sent without waiting
     * for each reply (up to {@link #PIPELINE} in flight), so 1,000 links cost about one round trip
     * plus the server's work instead of 1,000 round trips.
     */
    public void hardlinkAll(List<String[]> pairs) throws IOException {
        List<Buffer> requests = new ArrayList<>(pairs.size());
        for (String[] p : pairs) {
            Buffer request = new ByteArrayBuffer();
            request.putString(HARDLINK);
            request.putString(p[0]);
            request.putString(p[1]);
            requests.add(request);
        }
        pipeline(SftpConstants.SSH_FXP_EXTENDED, requests, HARDLINK);
    }

    /** Removes files (not directories), pipelined like {@link #hardlinkAll}. */
    public void removeAll(List<String> paths) throws IOException {
        List<Buffer> requests = new ArrayList<>(paths.size());
        for (String p : paths) {
            Buffer request = new ByteArrayBuffer();
            request.putString(p);
            requests.add(request);
        }
        pipeline(SftpConstants.SSH_FXP_REMOVE, requests, "remove");
    }

    private void pipeline(int command, List<Buffer> requests, String what) throws IOException {
        RawSftpClient raw = (RawSftpClient) client;
        java.util.ArrayDeque<Integer> inFlight = new java.util.ArrayDeque<>();
        IOException first = null;
        int next = 0;
        while (next < requests.size() || !inFlight.isEmpty()) {
            while (next < requests.size() && inFlight.size() < PIPELINE) {
                inFlight.add(raw.send(command, requests.get(next++)));
            }
            Buffer reply = raw.receive(inFlight.poll());
            IOException failure = statusOf(reply, what);
            if (failure != null && first == null) {
                first = failure;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static IOException statusOf(Buffer reply, String what) {
        reply.getInt(); // length
        int type = reply.getUByte();
        reply.getInt(); // request id
        if (type != SftpConstants.SSH_FXP_STATUS) {
            return new IOException("unexpected reply " + type + " to " + what);
        }
        int status = reply.getInt();
        if (status != SftpConstants.SSH_FX_OK) {
            return new SftpException(status, what + " failed: " + reply.getString());
        }
        return null;
    }

    /**
     * Reads a whole small file with plain (synchronous) reads: for files of a few KiB this is several
     * times faster than MINA's read-ahead stream.
     */
    public byte[] readSmall(String path, long expectedSize) throws IOException {
        try (SftpClient.CloseableHandle h = client.open(path, EnumSet.of(OpenMode.Read))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(expectedSize + 1, SMALL_FILE)));
            byte[] buf = new byte[CHUNK];
            long offset = 0;
            // stop at the expected size without asking for EOF (one request less per file); if the file
            // grew meanwhile the caller's stat after the read sees a different size and reads again
            for (int n = client.read(h, offset, buf, 0, buf.length); n > 0; n = client.read(h, offset, buf, 0, buf.length)) {
                out.write(buf, 0, n);
                offset += n;
                if (offset >= expectedSize && n < buf.length) {
                    break;
                }
            }
            return out.toByteArray();
        }
    }

    /** Writes {@code data} to an open handle with plain writes (small files). */
    public void writeSmall(SftpClient.Handle handle, byte[] data) throws IOException {
        for (int offset = 0; offset < data.length; offset += CHUNK) {
            client.write(handle, offset, data, offset, Math.min(CHUNK, data.length - offset));
        }
    }

    /** Opens a new file for writing, restricted to {@code 0600} before any byte lands. */
    public SftpClient.CloseableHandle create(String path) throws IOException {
        return create(path, 0600);
    }

    /**
     * Opens a new file for writing. When its final {@code mode} gives group or others no access (a
     * {@code .env}), the mode is set before any byte lands; other files get their mode when complete
     * (they are inside the 0700 {@code .baton/} until then), which saves a request per file.
     */
    public SftpClient.CloseableHandle create(String path, int mode) throws IOException {
        SftpClient.CloseableHandle handle = client.open(path,
                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
        if ((mode & 0077) == 0) {
            try {
                client.setStat(handle, new Attributes().perms(mode & 0700));
            } catch (IOException e) {
                handle.close();
                throw e;
            }
        }
        return handle;
    }

    public OutputStream output(String path, SftpClient.CloseableHandle handle) {
        return new org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync(
                (org.apache.sshd.sftp.client.impl.AbstractSftpClient) client, IO_BUFFER, path, handle, false);
    }

    /** Flushes the file to the target's disk ({@code fsync@openssh.com}) when the server offers it. */
    public void fsync(SftpClient.Handle handle) throws IOException {
        if (fsync) {
            client.getExtension(OpenSSHFsyncExtension.class).fsync(handle);
        }
    }

    public void setAttributes(SftpClient.Handle handle, Attributes attributes) throws IOException {
        client.setStat(handle, attributes);
    }

    public InputStream read(String path) throws IOException {
        return client.read(path, IO_BUFFER);
    }

    public byte[] readAll(String path) throws IOException {
        try (InputStream in = read(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    public Optional<byte[]> readIfExists(String path) throws IOException {
        try {
            return Optional.of(readAll(path));
        } catch (SftpException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Writes a small file atomically: temp name, fsync, rename over. */
    public void writeAtomically(String path, byte[] content, int mode) throws IOException {
        String temp = path + ".tmp";
        try (SftpClient.CloseableHandle h = create(temp)) {
            try (OutputStream out = output(temp, h)) {
                out.write(content);
            }
            fsync(h);
            client.setStat(h, new Attributes().perms(mode));
        }
        replace(temp, path);
    }

    /** SHA-256 of a remote file: computed by the server if it can ({@code check-file}), else read back. */
    public String sha256(String path) throws IOException {
        return sha256(path, -1);
    }

    /** As {@link #sha256(String)}, with the size the caller expects (-1 if unknown) to save a stat. */
    public String sha256(String path, long expectedSize) throws IOException {
        if (checkFile) {
            Map.Entry<String, Collection<byte[]>> r = client.getExtension(CheckFileNameExtension.class)
                    .checkFileName(path, List.of("sha256"), 0, 0, 0);
            if ("sha256".equalsIgnoreCase(r.getKey()) && r.getValue().size() == 1) {
                return HexFormat.of().formatHex(r.getValue().iterator().next());
            }
        }
        long size = expectedSize >= 0 ? expectedSize : client.stat(path).getSize();
        if (size <= SMALL_FILE) {
            return HexFormat.of().formatHex(sha256().digest(readSmall(path, size)));
        }
        MessageDigest digest = sha256();
        try (InputStream in = read(path)) {
            byte[] buf = new byte[IO_BUFFER];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Removes a file, a symlink or a whole directory tree; missing is fine. */
    public void removeTree(String path) throws IOException {
        Optional<Attributes> a = lstat(path);
        if (a.isEmpty()) {
            return;
        }
        if (a.get().isDirectory()) {
            for (SftpClient.DirEntry e : list(path)) {
                if (SitePaths.isSafeName(e.getFilename())) {
                    String child = SitePaths.join(path, e.getFilename());
                    if (e.getAttributes().isDirectory()) {
                        removeTree(child);
                    } else {
                        client.remove(child);
                    }
                }
            }
            client.rmdir(path);
        } else {
            client.remove(path);
        }
    }

    public void remove(String path) throws IOException {
        client.remove(path);
    }

    public String site() {
        return site;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
