package dev.baton.coordinator.ui;

import java.util.stream.Collectors;

/** The {@link Dashboard} as aligned plain text for a terminal. Pure. */
final class TextRendering {

    private TextRendering() {
    }

    static String status(Dashboard d) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("STATE     %s%n", d.state()));
        out.append(String.format("ACTIVE    %s%n", d.activeSite()));
        out.append(String.format("EPOCH     %d%n", d.epoch()));
        Dashboard.DeciderRow decider = d.decider();
        out.append(String.format("DECIDER   %s%n", decider.quorum()
                ? decider.store() + (decider.leader() != null ? ", leader " + decider.leader() : ", no leader yet") + ", term " + decider.term()
                : decider.store() + ": " + decider.problem() + " (nothing fails over, fails back or fences; state as last read)"));
        out.append(String.format("FROZEN    %s%n", d.frozen()
                ? "yes" + (d.frozenUntil() != null ? " until " + Formats.time(d.frozenUntil()) : "") + ": " + d.frozenReason() : "no"));
        if (d.cooldownUntil() != null) {
            out.append(String.format("COOLDOWN  until %s%n", Formats.time(d.cooldownUntil())));
        }
        out.append(String.format("LAST 24H  %d failover(s)%n", d.failoversLast24h()));
        out.append(String.format("%nOBSERVER    HEARD        SITES%n"));
        for (Dashboard.ObserverRow o : d.observers()) {
            String heard = o.ageSeconds() == null ? "never" : Formats.secs(o.ageSeconds()) + " ago";
            String sites = o.sites().stream().map(s -> s.site() + "=" + s.status() + " (" + Formats.secs(s.forSeconds()) + ")")
                    .collect(Collectors.joining("  "));
            out.append(String.format("%-10s  %-11s  %s%s%n", o.name(), heard, sites, o.stale() ? "  [stale]" : ""));
        }
        for (Dashboard.CheckTable t : d.checks()) {
            out.append(String.format("%n%-26s", "CHECK (" + t.site() + ")"));
            t.observers().forEach(o -> out.append(String.format("  %-14s", o)));
            out.append(String.format("%n"));
            for (Dashboard.CheckLine c : t.checks()) {
                out.append(String.format("%-26s", c.name()));
                c.cells().forEach(x -> out.append(String.format("  %-14s", x.status() == null ? "-" : x.status() + " " + Formats.ms(x.latencyMs()))));
                out.append(String.format("%n"));
            }
        }
        out.append(String.format("%nSYNC TARGET  LAST SUCCESS           LAG%n"));
        for (Dashboard.SyncRow r : d.sync()) {
            out.append(String.format("%-11s  %-20s  %s%n", r.target(), Formats.time(r.lastSuccessAt()),
                    r.problem() != null ? r.problem() : Formats.secs(r.lagSeconds())));
        }
        if (d.dns() != null) {
            out.append(String.format("%n%s%n", dns(d.dns())));
        }
        out.append(String.format("%nWOULD I FAIL OVER NOW?%n"));
        if (d.decision() == null) {
            out.append(String.format("  no decision yet%n"));
        } else {
            Dashboard.DecisionRow dec = d.decision();
            out.append(String.format("  %s %s -> %s (%s ago)%n", dec.action(), dec.from(), dec.to(), Formats.secs(dec.ageSeconds())));
            for (Dashboard.ConditionRow c : dec.conditions()) {
                out.append(String.format("  [%s] %-27s %s%n", c.held() ? "x" : " ", c.name(), c.detail()));
            }
        }
        if (d.current() != null) {
            out.append(String.format("%nCURRENT OPERATION%n")).append(operation(d.current()));
        }
        if (!d.recent().isEmpty()) {
            out.append(String.format("%nLAST OPERATIONS%n%-20s  %-8s  %-17s  %-14s  %-10s  %-8s  %s%n", "STARTED (UTC)", "KIND", "FROM -> TO",
                    "STATUS", "TOOK", "RPO", "SESSION RELEASED"));
            for (Dashboard.Op op : d.recent()) {
                out.append(String.format("%-20s  %-8s  %-17s  %-14s  %-10s  %-8s  %s%n", Formats.time(op.startedAt()), op.kind(),
                        op.from() + " -> " + op.to(), op.status(), Formats.ms(op.durationMs()), Formats.rpo(op.rpoSeconds()), op.sessionRelease()));
            }
        }
        return out.toString();
    }

    /** "DNS  trade.example.com A -> 198.51.100.20 (standby), TTL 60, the active site's value; propagation complete (...)". */
    static String dns(Dashboard.DnsRow r) {
        StringBuilder line = new StringBuilder("DNS       ").append(r.name()).append(' ').append(r.type()).append(" -> ")
                .append(r.pointsTo() == null ? "unknown" : r.pointsTo());
        if (r.ttl() != null) {
            line.append(", TTL ").append(r.ttl());
        }
        if (r.atActive() != null) {
            line.append(r.atActive() ? ", the active site's value" : ", NOT the active site's value " + r.expected());
        }
        line.append(String.format("%nPROPAG.   %s", r.propagation()));
        if (r.propagationDetail() != null) {
            line.append(": ").append(r.propagationDetail());
        }
        if (r.ageSeconds() != null) {
            line.append(" (checked ").append(Formats.secs(r.ageSeconds())).append(" ago)");
        }
        if (r.problem() != null) {
            line.append(" [").append(r.problem()).append(']');
        }
        return line.toString();
    }

    static String operation(Dashboard.Op op) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("OPERATION %s%n", op.id()));
        out.append(String.format("  %s %s -> %s, %s, epoch %d: %s after %s, RPO %s%n", op.kind(), op.from(), op.to(), op.trigger(), op.epoch(),
                op.status(), Formats.ms(op.durationMs()), Formats.rpo(op.rpoSeconds())));
        if (op.reason() != null) {
            out.append(String.format("  reason: %s%n", op.reason()));
        }
        if (!"-".equals(op.sessionRelease())) {
            out.append(String.format("  broker session released by %s the fence%n", op.sessionRelease()));
        }
        if (op.detail() != null) {
            out.append(String.format("  detail: %s%n", op.detail()));
        }
        for (Dashboard.Step s : op.steps()) {
            out.append(String.format("  %2d. %-28s %-10s %-10s%s%n", s.index() + 1, s.name(), s.status(), Formats.ms(s.durationMs()),
                    s.detail() == null ? "" : "  " + s.detail()));
        }
        return out.toString();
    }
}
