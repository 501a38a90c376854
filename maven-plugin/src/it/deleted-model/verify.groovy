def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/generated-sources/cnn')
assert !new File(basedir, 'src/main/cnn/net/Gone.cnn').exists() : 'the second build deleted the model'
assert log.contains('cnnc: 2 models, 6 files in ')
assert log.contains('(6 written, 0 unchanged, 2 stale deleted)') : 'first build: the stale generated files go'
assert log.contains('cnnc: 1 model, 2 files in ')
assert log.contains('(0 written, 2 unchanged, 4 stale deleted)') : "second build: Gone's classes go"
assert new File(out, 'net/Keep.java').isFile()
assert new File(out, 'net/keep/Dense1.java').isFile()
assert !new File(out, 'net/Gone.java').exists()
assert !new File(out, 'net/gone').exists() : 'the emptied folder goes too'
assert !new File(out, 'old/Stale.java').exists()
assert !new File(out, 'stray').exists()
assert new File(out, 'old/HandWritten.java').isFile() : 'a file without the cnnc header stays'
def status = new File(basedir, 'target/maven-status/cnnc/generate.status').text
assert status.contains('output net/Keep.java')
assert !status.contains('Gone')
true
