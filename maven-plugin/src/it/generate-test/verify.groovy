def log = new File(basedir, 'build.log').text
def testOut = new File(basedir, 'target/generated-test-sources/cnn')
def mainOut = new File(basedir, 'target/generated-sources/cnn')
assert new File(testOut, 'com/example/TestNet.java').isFile()
assert new File(testOut, 'com/example/testnet/Conv2d1.java').isFile()
assert new File(basedir, 'target/test-classes/com/example/UsesTestNet.class').isFile()
assert new File(basedir, 'target/test-classes/com/example/TestNet.class').isFile()
assert mainOut.isDirectory() && mainOut.list().length == 0 : 'no main models: an empty source root'
assert !new File(basedir, 'target/classes/com/example/TestNet.class').exists()
assert log.contains('cnnc: no .cnn files in ' + new File(basedir, 'src/main/cnn').absolutePath)
assert log.contains('cnnc: 1 model, 4 files in ' + testOut.absolutePath)
assert new File(basedir, 'target/maven-status/cnnc/generate-test.status').isFile()
true
