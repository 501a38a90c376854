def out = new File(basedir, 'target/generated-sources/cnn')
['com/example/folder/FromFolder.java', 'com/example/folder/fromfolder/Dense1.java',
 'com/example/line/WithLine.java', 'com/example/line/withline/Dense1.java',
 'com/example/config/AtRoot.java', 'com/example/config/atroot/Dense1.java'].each {
    assert new File(out, it).isFile() : "${it} is missing"
}
assert !new File(out, 'misc').exists()
assert new File(basedir, 'target/classes/com/example/app/App.class').isFile()
assert new File(basedir, 'target/classes/com/example/config/AtRoot.class').isFile()
true
