package org.ppl4j.runtime.nodes;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.SourceSection;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplLanguage;
import org.ppl4j.runtime.value.Json;
import org.ppl4j.runtime.value.PplNothing;

/** The top level of a source: declarations first (so they may refer to each other), then statements. */
public final class PplProgramRootNode extends RootNode {
    @Child private PplExpressionNode body;
    private final SourceSection section;
    private final boolean prelude;

    public PplProgramRootNode(PplLanguage language, FrameDescriptor frame, PplExpressionNode body,
            SourceSection section) {
        this(language, frame, body, section, false);
    }

    /** The stdlib's prelude: its declarations only, no fit printed when it ends. */
    public static PplProgramRootNode prelude(PplLanguage language, FrameDescriptor frame, PplExpressionNode body,
            SourceSection section) {
        return new PplProgramRootNode(language, frame, body, section, true);
    }

    private PplProgramRootNode(PplLanguage language, FrameDescriptor frame, PplExpressionNode body,
            SourceSection section, boolean prelude) {
        super(language, frame);
        this.body = body;
        this.section = section;
        this.prelude = prelude;
        if (body.getSourceSection() == null) {
            body.at(section);
        }
        body.asRootBody();
    }

    @Override
    public Object execute(VirtualFrame frame) {
        Object result = body.executeGeneric(frame);
        PplContext context = PplContext.get(this);
        if (prelude) {
            return PplNothing.INSTANCE;
        }
        if (context.json()) {
            printJson(context);
            return PplNothing.INSTANCE;
        }
        return org.ppl4j.runtime.interop.HostValues.export(result);
    }

    @TruffleBoundary
    private static void printJson(PplContext context) {
        context.out().println(context.lastFit() == null ? "null" : Json.write(context.lastFit()));
    }

    @Override
    public String getName() {
        return prelude ? "<prelude>" : "<program>";
    }

    @Override
    public SourceSection getSourceSection() {
        return section;
    }
}
