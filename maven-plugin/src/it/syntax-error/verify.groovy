def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/cnn/Broken.cnn').absolutePath
assert log.contains("[ERROR] ${file}:3:7: error: '(' is never closed\nConv2D(4, (3, 3), activation='relu'\n      ^\n")
assert log.contains('cnnc found 1 error in 1 file')
def end = log.indexOf('Running post-build script')
def build = end < 0 ? log : log.substring(0, end)
assert !(build =~ /(?m)^\s+at [\w.$]+\(/) : 'no stack trace for a mistake in a model'
assert !build.contains('CnncException')
assert !new File(basedir, 'target/generated-sources/cnn/Broken.java').exists()
assert !new File(basedir, 'target/maven-status/cnnc/generate.status').exists()
true
