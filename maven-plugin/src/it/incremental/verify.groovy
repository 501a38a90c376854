def log = new File(basedir, 'build.log').text
def first = 'cnnc: 2 models, 7 files in '
def second = 'cnnc: all 2 models up to date'
assert log.contains(first) : 'the first build generates'
assert log.indexOf(second) > log.indexOf(first) : 'the second build finds everything up to date'
assert log.count('--- cnnc-maven-plugin') == 2
def out = new File(basedir, 'target/generated-sources/cnn')
def files = []
out.eachFileRecurse(groovy.io.FileType.FILES) { files << it }
files << new File(basedir, 'target/maven-status/cnnc/generate.status')
assert files.size() == 8
files.each { assert it.lastModified() == 946684800000L : "${it} was touched by the second build" }
true
