package org.ppl4j.runtime.trace;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;

/**
 * How {@code sim(q)} drew a trace: each site's distribution and value. {@code density(q, trace)} in the same run,
 * with the same parameters, is then the sum of those distributions' log densities at those values, which is what
 * running q again under {@link AssessHandler} would compute (each distribution is the same function of the
 * parameters) without running q's body, and its networks, a second time. Gen keeps the score in the trace for the
 * same reason.
 */
final class Simulation {
    /** One random choice of the simulation. */
    record Site(String owner, Address address, Distribution distribution, Object value, boolean local) {
    }

    private final BoundModel model;
    private final ParamProvider params;
    private final Handler run;
    private final List<Site> sites;

    Simulation(BoundModel model, ParamProvider params, Handler run, List<Site> sites) {
        this.model = model;
        this.params = params;
        this.run = run;
        this.sites = List.copyOf(sites);
    }

    /** Whether a density of the trace is asked of the same model, with the same parameters, in the same run. */
    boolean matches(BoundModel m, ParamProvider p, Handler current) {
        return m == model && p == params && current == run;
    }

    /** Whether some choice of the trace was made inside {@code local}. */
    boolean hasLocal() {
        return sites.stream().anyMatch(Site::local);
    }

    /** log q(trace), as {@link AssessHandler} takes it: path sites detached, relaxed ones relaxed, local ones scaled. */
    Object density(PplContext context) {
        ObjectiveRun objectiveRun = run instanceof ObjectiveRun r ? r : null;
        double scale = context.minibatchScale();
        Object total = 0.0;
        for (Site s : sites) {
            total = AD.add(total, AssessHandler.siteDensity(objectiveRun, s.owner(), s.address(), s.distribution(),
                    s.value(), s.local() ? scale : 1));
        }
        return total;
    }
}
