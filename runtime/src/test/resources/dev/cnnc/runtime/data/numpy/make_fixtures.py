#!/usr/bin/env python3
"""Writes the .npy and .npz fixtures of NumpyTest with NumPy itself (not with cnnc's own writer), so the
readers are checked against the format as NumPy writes it. Run from this folder:

    python3 make_fixtures.py

The values are simple formulas that NumpyTest recomputes; NumPy 2.4.6 wrote the committed files."""
import io
import numpy as np

def save(name, a, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, a, version=version)

# inputs: 4 images of 3x2, value 10*i + j
x_u1 = (np.arange(4 * 3 * 2).reshape(4, 3, 2) * 10 % 256).astype(np.uint8)
save("u1_v1.npy", x_u1, (1, 0))
save("u1_v2.npy", x_u1, (2, 0))
save("u1_v3.npy", x_u1, (3, 0))
x_f4 = (np.arange(4 * 3 * 2, dtype=np.float32).reshape(4, 3, 2) / 8 - 1)
save("f4.npy", x_f4)
save("f8.npy", x_f4.astype(np.float64) + 1e-9)
save("f4_big_endian.npy", x_f4.astype(">f4"))
save("f4_fortran.npy", np.asfortranarray(x_f4))
# labels: classes 0, 1, 2, 1 as int64 (NumPy's default), uint8 and one-hot float32
y = np.array([0, 1, 2, 1])
save("y_i8.npy", y)
save("y_u1.npy", y.astype(np.uint8))
save("y_onehot.npy", np.eye(3, dtype=np.float32)[y])
# a Keras datasets-style archive, stored and deflated
np.savez("keras_stored.npz", x_train=x_u1, y_train=y.astype(np.uint8), x_test=x_u1[:2], y_test=y[:2])
np.savez_compressed("keras_deflated.npz", x_train=x_u1, y_train=y.astype(np.uint8), x_test=x_u1[:2], y_test=y[:2])
np.savez_compressed("named.npz", images=x_f4, labels=y)
