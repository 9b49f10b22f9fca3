package dev.feedloop.k8s;

import dev.feedloop.contracts.Topics;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ACLs as a map "topic:literal:feedloop.prompts.v1" → operations, from a KafkaUser or derived from
 * what a service's configuration and source say it does.
 */
final class Acls {

    static final String READ = "Read";
    static final String WRITE = "Write";
    static final String DESCRIBE = "Describe";

    private Acls() {
    }

    static String topic(String name) {
        return "topic:literal:" + name;
    }

    static String group(String name, boolean prefix) {
        return "group:" + (prefix ? "prefix:" : "literal:") + name;
    }

    /** The user's rules, merged per resource. */
    static Map<String, Set<String>> of(KafkaUser user) {
        Map<String, Set<String>> acls = new TreeMap<>();
        KafkaUserAuthorizationSimple auth = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
        for (AclRule rule : auth.getAcls()) {
            String key;
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                key = "topic:" + t.getPatternType().toValue() + ":" + t.getName();
            } else if (rule.getResource() instanceof AclRuleGroupResource g) {
                key = "group:" + g.getPatternType().toValue() + ":" + g.getName();
            } else {
                key = rule.getResource().getType() + ":?";
            }
            Set<String> ops = acls.computeIfAbsent(key, k -> new TreeSet<>());
            List<AclOperation> operations = rule.getOperations() != null ? rule.getOperations() : List.of(rule.getOperation());
            operations.forEach(op -> ops.add(op.toValue()));
            if (!"allow".equals(rule.getType() == null ? "allow" : rule.getType().toValue())) {
                ops.add("deny?");
            }
        }
        return acls;
    }

    /**
     * What a service needs: consumers Read + Describe on the topic and Read on the group (literal,
     * or a prefix for per-process groups); producers and dead-letter writers Write + Describe;
     * plain clients (not channels) per the design table and their group ids in the source; a
     * dashboard that computes lag (listConsumerGroupOffsets) Describe on every main topic and every
     * other service's shared group (an Admin listing groups or their offsets).
     */
    static Map<String, Set<String>> needed(ServiceConfig config, Design design, Map<String, ServiceConfig> all) {
        Map<String, Set<String>> acls = new TreeMap<>();
        for (ServiceConfig.Channel c : config.channels()) {
            if (c.incoming()) {
                add(acls, topic(c.topic()), READ, DESCRIBE);
                c.groupId().ifPresent(g -> add(acls, c.groupPrefix().map(p -> group(p, true)).orElse(group(g, false)), READ));
            } else {
                add(acls, topic(c.topic()), WRITE, DESCRIBE);
            }
            c.deadLetterTopic().ifPresent(d -> add(acls, topic(d), WRITE, DESCRIBE));
        }
        design.reads().forEach(t -> add(acls, topic(t), READ, DESCRIBE));
        design.writes().forEach(t -> add(acls, topic(t), WRITE, DESCRIBE));
        design.deadLetters().forEach(t -> add(acls, topic(t), WRITE, DESCRIBE));
        config.sourceGroups().forEach((g, prefix) -> add(acls, group(g, prefix), READ));
        if (java.util.regex.Pattern.compile("\\.list(ConsumerGroupOffsets|ConsumerGroups|Groups)\\(").matcher(config.mainSource()).find()) {
            Topics.MAIN.forEach(s -> add(acls, topic(s.name()), DESCRIBE));
            all.forEach((name, other) -> {
                if (!name.equals(config.name())) {
                    other.durableGroups().forEach(g -> add(acls, group(g, false), DESCRIBE));
                }
            });
        }
        return acls;
    }

    private static void add(Map<String, Set<String>> acls, String key, String... ops) {
        acls.computeIfAbsent(key, k -> new TreeSet<>()).addAll(List.of(ops));
    }
}
