package dev.fleet.platform.risk;

import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;

import dev.fleet.events.v1.RiskFeatures;

/**
 * The only thing a rule's condition can read: the fields of {@link RiskFeatures}, by their schema
 * names. No getters, no methods, no types, no writes; an unknown name is an error at its position.
 */
final class FeatureAccessor implements PropertyAccessor {

    static final Set<String> NAMES = RiskFeatures.getClassSchema().getFields().stream().map(Schema.Field::name)
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public Class<?>[] getSpecificTargetClasses() {
        return new Class<?>[] {RiskFeatures.class};
    }

    @Override
    public boolean canRead(EvaluationContext context, Object target, String name) {
        return target instanceof RiskFeatures && NAMES.contains(name);
    }

    @Override
    public TypedValue read(EvaluationContext context, Object target, String name) throws AccessException {
        if (!canRead(context, target, name)) {
            throw new AccessException("no feature " + name);
        }
        return new TypedValue(((RiskFeatures) target).get(name));
    }

    @Override
    public boolean canWrite(EvaluationContext context, Object target, String name) {
        return false;
    }

    @Override
    public void write(EvaluationContext context, Object target, String name, Object newValue)
            throws AccessException {
        throw new AccessException("features are read-only");
    }
}
