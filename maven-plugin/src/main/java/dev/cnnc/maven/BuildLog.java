package dev.cnnc.maven;

/** Where {@link CnncBuild} reports: Maven's log in the plugin, anything in tests. */
public interface BuildLog {
    void info(String message);

    void warn(String message);

    void error(String message);

    default void debug(String message) {}
}
