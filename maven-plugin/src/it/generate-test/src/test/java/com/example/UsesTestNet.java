package com.example;

/** Compiles only if the test model's sources are a test source root. */
final class UsesTestNet {
    static float[] predict(float[] image) {
        return new TestNet(1, 1L).predict(image);
    }
}
