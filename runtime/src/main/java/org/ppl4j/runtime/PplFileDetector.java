package org.ppl4j.runtime;

import com.oracle.truffle.api.TruffleFile;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Recognises {@code .ppl} files. */
public final class PplFileDetector implements TruffleFile.FileTypeDetector {
    @Override
    public String findMimeType(TruffleFile file) {
        String name = file.getName();
        return name != null && name.endsWith(".ppl") ? PplLanguage.MIME_TYPE : null;
    }

    @Override
    public Charset findEncoding(TruffleFile file) {
        return StandardCharsets.UTF_8;
    }
}
