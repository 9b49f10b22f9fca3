package dev.feedloop.generator.grpc;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.generator.v1.GenerateRequest;
import dev.feedloop.contracts.generator.v1.GenerateResponse;
import dev.feedloop.contracts.generator.v1.Generator;
import dev.feedloop.generator.messaging.RolloutEmitter;
import dev.feedloop.generator.rollout.InvalidRequestException;
import dev.feedloop.generator.rollout.PromptRequest;
import dev.feedloop.generator.rollout.RequestValidator;
import dev.feedloop.generator.rollout.RolloutGenerator;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * {@code feedloop.generator.v1.Generator/Generate}: n responses from the serving policy, also
 * written to {@code feedloop.rollouts.v1} as a PRODUCTION rollout (answered only once the broker
 * has it, so users' feedback can refer to its ids). Errors: INVALID_ARGUMENT naming the field
 * ({@code n}, {@code prompt}, {@code sampling.*}); UNAVAILABLE before the model is loaded or when
 * the rollout cannot be written.
 */
@GrpcService
public class GeneratorGrpcService implements Generator {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    RequestValidator validator;
    @Inject
    RolloutGenerator generator;
    @Inject
    RolloutEmitter emitter;

    @Override
    @Blocking  // sampling runs on a worker thread, never on the event loop
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        PromptRequest prompt;
        try {
            prompt = validator.fromGrpc(request);
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
        if (!generator.ready()) {
            return Uni.createFrom().failure(Status.UNAVAILABLE.withDescription("the model is still loading").asRuntimeException());
        }
        RolloutGenerated rollout = generator.generate(List.of(prompt)).get(0);
        return Uni.createFrom().completionStage(emitter.send(rollout))
                .ifNoItem().after(WRITE_TIMEOUT).fail()
                .onFailure().transform(e -> Status.UNAVAILABLE
                        .withDescription("the rollout could not be written to Kafka: " + e.getMessage()).asRuntimeException())
                .replaceWith(GenerateResponse.newBuilder()
                        .setRolloutId(rollout.getRolloutId())
                        .setPromptId(rollout.getPromptId())
                        .setPolicyVersion(rollout.getPolicyVersion())
                        .addAllResponses(rollout.getResponsesList())
                        .build());
    }
}
