"""Writes cases.txt: inputs and outputs of Keras' image transformation, as the oracle of AugmentationTest.

The transformation is keras-preprocessing's apply_transform (the version Keras 2.2.4 installs:
image/affine_transformations.py, apply_affine_transform, apply_channel_shift and flip_axis),
restated below line for line, with SciPy's ndimage.affine_transform doing the sampling, so that
the expected values come from SciPy and not from cnnc. Run with python3 (NumPy and SciPy):

    python3 make_cases.py > cases.txt
"""
import numpy as np
from scipy import ndimage


def transform_matrix_offset_center(matrix, x, y):
    o_x = float(x) / 2 + 0.5
    o_y = float(y) / 2 + 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def apply_affine_transform(x, theta, tx, ty, shear, zx, zy, row_axis, col_axis, channel_axis, fill_mode, cval):
    transform_matrix = None
    if theta != 0:
        theta = np.deg2rad(theta)
        transform_matrix = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        shift_matrix = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        transform_matrix = shift_matrix if transform_matrix is None else np.dot(transform_matrix, shift_matrix)
    if shear != 0:
        shear = np.deg2rad(shear)
        shear_matrix = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
        transform_matrix = shear_matrix if transform_matrix is None else np.dot(transform_matrix, shear_matrix)
    if zx != 1 or zy != 1:
        zoom_matrix = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        transform_matrix = zoom_matrix if transform_matrix is None else np.dot(transform_matrix, zoom_matrix)
    if transform_matrix is not None:
        h, w = x.shape[row_axis], x.shape[col_axis]
        transform_matrix = transform_matrix_offset_center(transform_matrix, h, w)
        x = np.rollaxis(x, channel_axis, 0)
        final_affine_matrix = transform_matrix[:2, :2]
        final_offset = transform_matrix[:2, 2]
        channel_images = [ndimage.affine_transform(x_channel, final_affine_matrix, final_offset, order=1,
                                                   mode=fill_mode, cval=cval) for x_channel in x]
        x = np.stack(channel_images, axis=0)
        x = np.rollaxis(x, 0, channel_axis + 1)
    return x


def apply_channel_shift(x, intensity, channel_axis):
    x = np.rollaxis(x, channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    x = np.stack([np.clip(c + intensity, min_x, max_x) for c in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def flip_axis(x, axis):
    x = np.asarray(x).swapaxes(axis, 0)
    x = x[::-1, ...]
    return x.swapaxes(0, axis)


def apply_transform(x, p, channels_first):
    row_axis, col_axis, channel_axis = (1, 2, 0) if channels_first else (0, 1, 2)
    x = apply_affine_transform(x, p['theta'], p['tx'], p['ty'], p['shear'], p['zx'], p['zy'],
                               row_axis, col_axis, channel_axis, p['fill_mode'], p['cval'])
    if p['intensity'] != 0:
        x = apply_channel_shift(x, p['intensity'], channel_axis)
    if p['flip_horizontal']:
        x = flip_axis(x, col_axis)
    if p['flip_vertical']:
        x = flip_axis(x, row_axis)
    return x


def main():
    rng = np.random.RandomState(20261201)
    cases = []
    modes = ['nearest', 'constant', 'reflect', 'wrap']
    # One case per mode with each transformation alone, then random combinations.
    singles = [dict(theta=23.0), dict(tx=1.75, ty=-2.5), dict(shear=17.0), dict(zx=0.7, zy=1.3),
               dict(tx=3.0), dict(theta=90.0), dict(intensity=0.2), dict(flip_horizontal=True),
               dict(flip_vertical=True)]
    for mode in modes:
        for s in singles:
            cases.append(dict(s, fill_mode=mode))
    for k in range(24):
        cases.append(dict(theta=rng.uniform(-40, 40), tx=rng.uniform(-3, 3), ty=rng.uniform(-3, 3),
                          shear=rng.uniform(-20, 20), zx=rng.uniform(0.6, 1.4), zy=rng.uniform(0.6, 1.4),
                          intensity=rng.uniform(-0.3, 0.3) if k % 3 == 0 else 0.0,
                          flip_horizontal=bool(k % 2), flip_vertical=bool(k % 5 == 0), fill_mode=modes[k % 4]))
    for i, c in enumerate(cases):
        p = dict(theta=0.0, tx=0.0, ty=0.0, shear=0.0, zx=1.0, zy=1.0, intensity=0.0, flip_horizontal=False,
                 flip_vertical=False, cval=0.0)
        p.update(c)
        if p['fill_mode'] == 'constant':
            p['cval'] = 0.25
        channels_first = i % 7 == 3
        rows, cols, channels = (7, 9, 2) if i % 2 == 0 else (8, 6, 3)
        shape = (channels, rows, cols) if channels_first else (rows, cols, channels)
        x = rng.uniform(0, 1, size=shape).astype(np.float32).astype(np.float64)
        y = apply_transform(x, p, channels_first)
        print('case %d %d %d %s %r %r %r %r %r %r %r %s %s %s %r' % (
            rows, cols, channels, 'channels_first' if channels_first else 'channels_last', p['theta'], p['tx'],
            p['ty'], p['shear'], p['zx'], p['zy'], p['intensity'], p['flip_horizontal'], p['flip_vertical'],
            p['fill_mode'], p['cval']))
        print('in ' + ' '.join(repr(float(v)) for v in x.ravel()))
        print('out ' + ' '.join(repr(float(v)) for v in y.ravel()))


if __name__ == '__main__':
    main()
