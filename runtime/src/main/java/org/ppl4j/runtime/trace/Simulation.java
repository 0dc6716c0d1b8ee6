package org.ppl4j.runtime.trace;

import java.util.Arrays;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;

/**
 * What simulate saw at each random choice of a trace: the distribution and the value. The density of the same
 * model at that very trace, in the same run and with the same parameters, is the sum of those distributions'
 * log densities at those values, exactly what running the model again under {@link AssessHandler} would give
 * (every distribution depends only on the parameters and on earlier values of the same trace), with the same
 * treatment of path and relaxed sites and of score-function choices' own densities. As Gen's traces carry their
 * score: an ELBO's {@code density(q, z)} does not run the guide a second time.
 */
final class Simulation {
    private final BoundModel model;
    private final ParamProvider params;
    private final Handler handler;
    private String[] owners = new String[16];
    private Address[] addresses = new Address[16];
    private Distribution[] distributions = new Distribution[16];
    private Object[] values = new Object[16];
    private int count;

    /** @param handler the handler that was active around simulate (the objective's run), or null */
    Simulation(BoundModel model, ParamProvider params, Handler handler) {
        this.model = model;
        this.params = params;
        this.handler = handler;
    }

    void add(String owner, Address address, Distribution distribution, Object value) {
        if (count == values.length) {
            owners = Arrays.copyOf(owners, count * 2);
            addresses = Arrays.copyOf(addresses, count * 2);
            distributions = Arrays.copyOf(distributions, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        owners[count] = owner;
        addresses[count] = address;
        distributions[count] = distribution;
        values[count++] = value;
    }

    /** Whether density(model, trace) with these parameters, under this handler, may be taken from this record. */
    boolean answers(BoundModel m, ParamProvider p, Handler h) {
        return m == model && p == params && h == handler;
    }

    /** log p(trace) under the model, as {@link AssessHandler} would compute it. */
    Object density(ObjectiveRun run) {
        Object[] logDensities = new Object[count];
        for (int i = 0; i < count; i++) {
            Distribution d = distributions[i];
            Address a = addresses[i];
            Distribution dist = run != null && run.isPath(owners[i], a) ? d.detachParameters() : d;
            Object lp = run != null && run.isRelaxed(a) ? dist.relaxedLogDensity(values[i]) : dist.logDensity(values[i]);
            if (run != null) {
                run.noteDensity(owners[i], a, lp);
            }
            logDensities[i] = lp;
        }
        return total(logDensities, count);
    }

    /** The sum of log densities as one node (or elementwise additions where one is a tensor). */
    static Object total(Object[] logDensities, int count) {
        for (int i = 0; i < count; i++) {
            if (!(logDensities[i] instanceof Double) && !(logDensities[i] instanceof Var)) {
                Object total = 0.0;
                for (int j = 0; j < count; j++) {
                    total = AD.add(total, logDensities[j]);
                }
                return total;
            }
        }
        return Var.sum(logDensities, count);
    }
}
