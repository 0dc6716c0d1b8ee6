package org.ppl4j.runtime.value;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.Frame;
import com.oracle.truffle.api.frame.FrameDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.TapeNode;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;

/**
 * Values that leave a fit step. A fit frees the memory of the large tensors a step made when the step ends
 * ({@link Tensor#openStep}); a value the step stores where it outlives the step (a global variable, a variable
 * of an enclosing function) must therefore be marked first, with every tensor reachable from it: lists,
 * records, choice maps, closures and their captured variables, models and objectives with their arguments,
 * distributions and any other ppl4j object with its fields.
 */
public final class Escapes {
    private Escapes() {
    }

    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    /** Marks every tensor reachable from {@code v} as escaped, when a step scope is open (else nothing to do). */
    @TruffleBoundary
    public static void fromStep(Object v) {
        if (v instanceof Double || v instanceof Long || v instanceof Boolean || v instanceof String
                || !Tensor.inStep()) {
            return;
        }
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.push(v);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (o == null || seen.put(o, Boolean.TRUE) != null) {
                continue;
            }
            if (o instanceof Tensor t) {
                t.escape();
            } else if (o instanceof TensorVar tv) {
                todo.push(tv.value); // its inputs and adjoints belong to the step's tape, not to the value
            } else if (o instanceof TapeNode || o instanceof Tape || o instanceof Number || o instanceof String
                    || o instanceof Boolean || o instanceof Class<?>) {
                continue;
            } else if (o instanceof Object[] a) {
                for (Object e : a) {
                    todo.push(e);
                }
            } else if (o instanceof Collection<?> c) {
                todo.addAll(c.stream().filter(e -> e != null).toList());
            } else if (o instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getKey() != null) {
                        todo.push(e.getKey());
                    }
                    if (e.getValue() != null) {
                        todo.push(e.getValue());
                    }
                }
            } else if (o instanceof Frame f) {
                FrameDescriptor d = f.getFrameDescriptor();
                for (int i = 0; i < d.getNumberOfSlots(); i++) {
                    if (f.isObject(i)) {
                        todo.push(f.getObject(i));
                    }
                }
                for (Object a : f.getArguments()) {
                    todo.push(a);
                }
            } else if (o.getClass().getName().startsWith("org.ppl4j.")) {
                for (Field field : fields(o.getClass())) {
                    try {
                        todo.push(field.get(o));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + field, e);
                    }
                }
            }
        }
    }

    /** The instance fields of a ppl4j class (and its ppl4j superclasses) that may hold values. */
    private static List<Field> fields(Class<?> c) {
        return FIELDS.computeIfAbsent(c, k -> {
            List<Field> r = new ArrayList<>();
            for (Class<?> x = k; x != null && x.getName().startsWith("org.ppl4j."); x = x.getSuperclass()) {
                for (Field f : x.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()
                            && !f.getType().getName().startsWith("com.oracle.truffle.api.nodes")
                            && !f.getType().getName().equals("com.oracle.truffle.api.RootCallTarget")) {
                        f.setAccessible(true);
                        r.add(f);
                    }
                }
            }
            return r;
        });
    }
}
