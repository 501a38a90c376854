package dev.cnnc.compiler.codegen.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many blocks of 6 input channels a kernel gradient takes before its blocks of 4. */
class SixChannelBlocksTest {
    @Test
    void blocksOfSixLeaveAMultipleOfFourChannels() {
        assertEquals(4, VectorKernels.sixChannelBlocks(32));
        assertEquals(10, VectorKernels.sixChannelBlocks(64));
        assertEquals(6, VectorKernels.sixChannelBlocks(40));
        assertEquals(1, VectorKernels.sixChannelBlocks(6));
        assertEquals(1, VectorKernels.sixChannelBlocks(10));
        assertEquals(0, VectorKernels.sixChannelBlocks(7), "7 = 6 + 1: blocks of 4 and 1 instead");
        assertEquals(0, VectorKernels.sixChannelBlocks(4));
        assertEquals(0, VectorKernels.sixChannelBlocks(1));
    }
}
