package dev.feedloop.kafka;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 access to the shared embedded broker for plain (non-Quarkus) tests:
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class MyTest {
 *     @Test void works(@KafkaExtension.BootstrapServers String bootstrap) { ... }
 * }
 * }</pre>
 *
 * Same broker as {@link KafkaTestResource}; {@link SharedKafka#bootstrapServers()} works too.
 */
public class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    /** Marks a {@code String} parameter that receives the broker's bootstrap servers. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface BootstrapServers {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        SharedKafka.bootstrapServers();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(BootstrapServers.class) && parameter.getParameter().getType() == String.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedKafka.bootstrapServers();
    }
}
