package dev.baton.common;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.common.wire.DatabaseReplica;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.ObserverSummary;
import dev.baton.common.wire.Problem;
import dev.baton.common.wire.SiteLease;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.SwitchRequest;
import dev.baton.common.wire.SyncRequest;
import dev.baton.common.wire.SyncTargetStatus;
import dev.baton.common.wire.VerdictReport;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Everything common needs registered for a GraalVM native image, in one place.
 * <ul>
 * <li>Wire records: Jackson reads and writes them reflectively, also when they travel nested or
 * through REST clients where Quarkus cannot infer them.</li>
 * <li>MINA SSHD's security-provider registrars: SecurityUtils instantiates them by name.</li>
 * </ul>
 * The build arguments that initialise MINA's random sources at run time (so no seeded random lands
 * in the image heap) are in {@code META-INF/native-image/dev.baton/common/native-image.properties};
 * the NIO2 I/O factory is named in {@code META-INF/services}, so no classpath scanning is needed.
 */
@RegisterForReflection(targets = {
        AlertRequest.class, CheckResult.class, CoordinatorStatus.class, DatabaseReplica.class, FailbackRequest.class,
        FailoverRequest.class, FreezeRequest.class, ObserverSummary.class, Problem.class, Problem.Violation.class,
        SiteLease.class, SiteVerdict.class, SwitchRequest.class, SyncRequest.class, SyncTargetStatus.class, VerdictReport.class,
        org.apache.sshd.common.util.security.SunJCESecurityProviderRegistrar.class,
        org.apache.sshd.common.util.security.bouncycastle.BouncyCastleSecurityProviderRegistrar.class,
        org.apache.sshd.common.util.security.eddsa.EdDSASecurityProviderRegistrar.class,
        org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory.class,
        org.apache.sshd.common.random.JceRandomFactory.class,
})
public final class NativeImageSupport {
    private NativeImageSupport() {
    }
}
