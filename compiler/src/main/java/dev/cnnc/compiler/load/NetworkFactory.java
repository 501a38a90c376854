package dev.cnnc.compiler.load;

import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.Network;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Makes live instances of a generated model class that was compiled in memory: what
 * {@code cnnc train}, the tests and the fuzzer run.
 *
 * @param model the checked model the class was generated from
 * @param modelClass the generated class, with its {@code (int batchSize, long seed)} constructor
 */
public record NetworkFactory(Model model, Class<? extends Network> modelClass) {

    /** A network for batches of up to {@code batchSize} examples, its parameters initialized from {@code seed}. */
    public Network create(int batchSize, long seed) {
        try {
            Constructor<? extends Network> c = modelClass.getConstructor(int.class, long.class);
            return c.newInstance(batchSize, seed);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot construct " + modelClass.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated " + modelClass.getName() + " has no (int, long) constructor", e);
        }
    }
}
