package org.ppl4j.stdlib.autoguide;

/**
 * A differentiable bijection x = T(u) from unconstrained reals onto a distribution's support (or onto the reals,
 * for a flow's layers), with the log of its Jacobian determinant, which a guide's density needs to be a density
 * of the constrained value: log q(x) = log q_u(T^-1(x)) - log |det dT/du|.
 */
interface Transform {
    /** x = T(u), differentiable in u and in the transform's parameters. */
    Object forward(Object u);

    /** u = T^-1(x) and log |det dT/du| at that u, both differentiable in x and the parameters. */
    Inverse inverse(Object x);

    /** The same transform with its parameters detached (for the path strategy's own densities). */
    Transform detached();

    /** The result of {@link #inverse}. */
    record Inverse(Object u, Object logDet) {
    }
}
