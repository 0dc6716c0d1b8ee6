package org.ppl4j.runtime.interop;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.InvalidArrayIndexException;
import com.oracle.truffle.api.interop.InvalidBufferOffsetException;
import com.oracle.truffle.api.interop.UnsupportedMessageException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplValue;
import org.ppl4j.runtime.value.Printer;

/**
 * A tensor as the polyglot host sees it: an array of its first axis ({@code value.as(double[].class)} for a vector,
 * {@code double[][]} for a matrix), and a read-only buffer of all its elements as doubles, row-major
 * ({@code value.readBufferDouble(ByteOrder.nativeOrder(), 8 * i)}). Tensors stay in their own class, which keeps
 * its storage concerns; this view is made when a tensor leaves ppl4j.
 */
@ExportLibrary(InteropLibrary.class)
public final class TensorView extends PplValue {
    private final Tensor tensor;
    private ByteBuffer elements;

    TensorView(Tensor tensor) {
        this.tensor = tensor;
    }

    public Tensor tensor() {
        return tensor;
    }

    @Override
    public String toString() {
        return Printer.show(tensor);
    }

    @ExportMessage
    boolean hasArrayElements() {
        return true;
    }

    @ExportMessage
    long getArraySize() {
        return tensor.dim(0);
    }

    @ExportMessage
    boolean isArrayElementReadable(long index) {
        return index >= 0 && index < tensor.dim(0);
    }

    @ExportMessage
    @TruffleBoundary
    Object readArrayElement(long index) throws InvalidArrayIndexException {
        if (!isArrayElementReadable(index)) {
            throw InvalidArrayIndexException.create(index);
        }
        return HostValues.export(tensor.slice((int) index));
    }

    @ExportMessage
    boolean hasBufferElements() {
        return true;
    }

    @ExportMessage
    boolean isBufferWritable() {
        return false;
    }

    @ExportMessage
    long getBufferSize() {
        return 8L * tensor.size();
    }

    /** The elements as bytes in native order, made on the first read (a tensor never changes). */
    @TruffleBoundary
    private ByteBuffer at(long offset, int length, ByteOrder order) throws InvalidBufferOffsetException {
        if (offset < 0 || offset > getBufferSize() - length) {
            throw InvalidBufferOffsetException.create(offset, length);
        }
        if (elements == null) {
            ByteBuffer b = ByteBuffer.allocate(8 * tensor.size()).order(ByteOrder.nativeOrder());
            b.asDoubleBuffer().put(tensor.toArray());
            elements = b;
        }
        return elements.duplicate().order(order);
    }

    @ExportMessage
    @TruffleBoundary
    byte readBufferByte(long offset) throws InvalidBufferOffsetException {
        return at(offset, 1, ByteOrder.nativeOrder()).get((int) offset);
    }

    @ExportMessage
    @TruffleBoundary
    short readBufferShort(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        return at(offset, 2, order).getShort((int) offset);
    }

    @ExportMessage
    @TruffleBoundary
    int readBufferInt(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        return at(offset, 4, order).getInt((int) offset);
    }

    @ExportMessage
    @TruffleBoundary
    long readBufferLong(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        return at(offset, 8, order).getLong((int) offset);
    }

    @ExportMessage
    @TruffleBoundary
    float readBufferFloat(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        return at(offset, 4, order).getFloat((int) offset);
    }

    @ExportMessage
    @TruffleBoundary
    double readBufferDouble(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        return at(offset, 8, order).getDouble((int) offset);
    }

    // a tensor is a value: the buffer is read-only (isBufferWritable is false)

    @ExportMessage
    void writeBufferByte(long offset, byte value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }

    @ExportMessage
    void writeBufferShort(ByteOrder order, long offset, short value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }

    @ExportMessage
    void writeBufferInt(ByteOrder order, long offset, int value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }

    @ExportMessage
    void writeBufferLong(ByteOrder order, long offset, long value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }

    @ExportMessage
    void writeBufferFloat(ByteOrder order, long offset, float value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }

    @ExportMessage
    void writeBufferDouble(ByteOrder order, long offset, double value) throws UnsupportedMessageException {
        throw UnsupportedMessageException.create();
    }
}
