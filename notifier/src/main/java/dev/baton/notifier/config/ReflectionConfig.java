package dev.baton.notifier.config;

import dev.baton.notifier.api.AlertmanagerResource;
import dev.baton.notifier.api.AlertmanagerWebhook;
import dev.baton.notifier.api.SilenceResource;
import dev.baton.notifier.pipeline.Silence;
import dev.baton.notifier.store.AcceptedAlert;
import dev.baton.notifier.store.AlertView;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The one place the notifier registers types for reflection: JSON bodies reached only through generics (native image). */
@RegisterForReflection(targets = {
        AcceptedAlert.class,
        AlertView.class,
        AlertView.DeliveryView.class,
        Silence.class,
        SilenceResource.SilenceRequest.class,
        AlertmanagerWebhook.class,
        AlertmanagerWebhook.AmAlert.class,
        AlertmanagerResource.Results.class})
public final class ReflectionConfig {
    private ReflectionConfig() {
    }
}
