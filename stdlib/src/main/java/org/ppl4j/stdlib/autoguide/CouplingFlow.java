package org.ppl4j.stdlib.autoguide;

import java.util.List;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;

/**
 * A normalizing flow on R^D (Dinh et al., "Density estimation using Real NVP", 2017): affine coupling layers, then
 * an elementwise affine map. Layer l keeps the elements whose index has the parity of l (the mask m) and moves the
 * others, y = m x + (1 - m) (x exp(s) + t), with s and t one-hidden-layer tanh networks of m x; log |det| is the sum
 * of s over the moved elements. s is softly clamped to (-3, 3) so that no step can blow a scale up. The inverse is
 * as cheap as the forward map (m y = m x), so the density of any value is exact. With the networks' output
 * weights at zero the layers are the identity and the flow starts as a mean-field normal.
 */
final class CouplingFlow implements Transform {
    private static final double CLAMP = 3;

    /** One coupling layer's parameters; {@code mask} has 1 at the elements it keeps. */
    record Layer(Tensor mask, Object w1, Object b1, Object ws, Object bs, Object wt, Object bt) {
        Layer detached() {
            return new Layer(mask, AD.detach(w1), AD.detach(b1), AD.detach(ws), AD.detach(bs), AD.detach(wt),
                    AD.detach(bt));
        }
    }

    private final int dimension;
    private final List<Layer> layers;
    private final Object loc;
    private final Object scale;

    CouplingFlow(int dimension, List<Layer> layers, Object loc, Object scale) {
        this.dimension = dimension;
        this.layers = List.copyOf(layers);
        this.loc = loc;
        this.scale = scale;
    }

    /** The mask of layer l in D dimensions: 1 where (i + l) is even. */
    static Tensor mask(int dimension, int l) {
        double[] m = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            m[i] = (i + l) % 2 == 0 ? 1 : 0;
        }
        return Tensor.vector(m);
    }

    /** s and t of a layer at the kept part {@code kept} (a [D] vector), each a [D] vector. */
    private Object[] shiftAndLogScale(Layer layer, Object kept) {
        Object row = AD.reshape(kept, new int[] {1, dimension});
        Object h = AD.unary(AD.add(AD.matmul(row, layer.w1()), layer.b1()), Fns.TANH);
        Object s = AD.add(AD.matmul(h, layer.ws()), layer.bs());
        s = AD.mul(CLAMP, AD.unary(AD.div(s, CLAMP), Fns.TANH));
        Object t = AD.add(AD.matmul(h, layer.wt()), layer.bt());
        return new Object[] {AD.reshape(s, new int[] {dimension}), AD.reshape(t, new int[] {dimension})};
    }

    @Override
    public Object forward(Object u) {
        Object x = u;
        for (Layer layer : layers) {
            Tensor keep = layer.mask();
            Tensor move = keep.map(v -> 1 - v);
            Object kept = AD.mul(keep, x);
            Object[] st = shiftAndLogScale(layer, kept);
            x = AD.add(kept, AD.mul(move, AD.add(AD.mul(x, AD.exp(st[0])), st[1])));
        }
        return AD.add(loc, AD.mul(scale, x));
    }

    @Override
    public Inverse inverse(Object x) {
        Object y = AD.div(AD.sub(x, loc), scale);
        Object logDet = AD.sum(AD.log(scale));
        for (int l = layers.size() - 1; l >= 0; l--) {
            Layer layer = layers.get(l);
            Tensor keep = layer.mask();
            Tensor move = keep.map(v -> 1 - v);
            Object kept = AD.mul(keep, y);
            Object[] st = shiftAndLogScale(layer, kept);
            y = AD.add(kept, AD.mul(move, AD.mul(AD.sub(y, st[1]), AD.exp(AD.neg(st[0])))));
            logDet = AD.add(logDet, AD.sum(AD.mul(move, st[0])));
        }
        return new Inverse(y, logDet);
    }

    @Override
    public Transform detached() {
        return new CouplingFlow(dimension, layers.stream().map(Layer::detached).toList(), AD.detach(loc),
                AD.detach(scale));
    }
}
