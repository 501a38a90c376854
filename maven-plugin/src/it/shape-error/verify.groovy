def log = new File(basedir, 'build.log').text
def nets = new File(basedir, 'src/main/cnn/nets')
def notFlat = new File(nets, 'NotFlat.cnn').absolutePath
def tooSmall = new File(nets, 'TooSmall.cnn').absolutePath
def warned = new File(nets, 'Warned.cnn').absolutePath
assert log.contains("[ERROR] ${notFlat}:4:1: error: Dense needs a flat input, but its input is 6x6x4: add Flatten() before it\nDense(3, activation='softmax')\n^~~~~\n")
assert log.contains("[ERROR] ${tooSmall}:4:1: error: Conv2D output would be 0x0: kernel 3x3 on 2x2x1 with padding 'valid'\nConv2D(8, (3, 3))\n^~~~~~\n")
assert log.contains("[WARNING] ${warned}:4:14: warning: categorical_crossentropy expects probabilities")
assert log.contains('cnnc found 2 errors in 2 files')
def end = log.indexOf('Running post-build script')
def build = end < 0 ? log : log.substring(0, end)
assert !(build =~ /(?m)^\s+at [\w.$]+\(/) : 'no stack trace for mistakes in models'
assert !build.contains('CnncException')
assert !new File(basedir, 'target/generated-sources/cnn/nets/Warned.java').exists() : 'nothing is generated'
true
