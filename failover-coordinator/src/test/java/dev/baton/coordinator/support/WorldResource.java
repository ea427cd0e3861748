package dev.baton.coordinator.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** {@code @WithTestResource(WorldResource.class)}: both sites and every fake, wired into the coordinator's config. */
public class WorldResource implements QuarkusTestResourceLifecycleManager {
    private World world;

    @Override
    public Map<String, String> start() {
        try {
            world = World.start();
            world.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return world.config();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(world, new TestInjector.AnnotatedAndMatchesType(InjectWorld.class, World.class));
    }

    @Override
    public void stop() {
        if (world != null) {
            try {
                world.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
